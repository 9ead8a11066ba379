import type { Context } from "hono";
import { debuggerFor } from "../debugger/debugger-stub";
import { invalidEntries, type RefusedEvent } from "../debugger/invalid-entries";
import type { HonoEnv } from "../env";
import { waitUntilOf } from "../http/wait-until";

/**
 * Shows refused events in the source's live debugger, after the answer: the request never waits
 * for it and never fails by it. Valid events are not recorded here (the EVENTS consumer does,
 * with their verdicts), so a request with nothing invalid does no debugger work at all. Without
 * an execution context to carry the work (a bare `app.request` in tests) it is skipped.
 */
export function recordInvalidEvents(c: Context<HonoEnv>, sourceId: string, refused: readonly RefusedEvent[]): void {
  const waitUntil = waitUntilOf(c);
  if (!waitUntil || refused.length === 0) return;
  const entries = invalidEntries(sourceId, refused, new Date(), () => crypto.randomUUID());
  waitUntil(
    debuggerFor(c.env, sourceId)
      .record(entries)
      .catch((error: unknown) => console.error("the live debugger could not record invalid events", error)),
  );
}
