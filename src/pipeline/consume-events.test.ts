import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../ingest/enrich";
import { consumeEventsBatch } from "./consume-events";
import type { DedupeGateway } from "./dedupe/gateway";
import type { CheckVerdict, CommitVerdict } from "./dedupe/verdicts";

const event = (messageId: string): AcceptedEvent => ({
  type: "track",
  event: "Viewed",
  anonymousId: "a1",
  messageId,
  projectId: "src",
  receivedAt: "2026-03-01T00:00:00.000Z",
  timestamp: "2026-03-01T00:00:00.000Z",
  context: {},
});

/** A dedupe gateway whose verdicts are scripted per messageId. */
function scriptedDedupe(check: Record<string, CheckVerdict>, commit: Record<string, CommitVerdict>): DedupeGateway {
  return {
    check: (entries) => Promise.resolve(entries.map((entry) => check[entry.messageId] ?? "fresh")),
    commit: (entries) => Promise.resolve(entries.map((entry) => commit[entry.event.messageId] ?? "archived")),
  };
}

describe("consumeEventsBatch: identity stage", () => {
  it("resolves events archived now or by an earlier delivery, per message in order, and skips duplicates", async () => {
    const seen: string[][] = [];
    const summary = await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [event("new"), event("dup-early"), event("again")] } },
        { id: "q2", attempts: 2, body: { v: 1, events: [event("retried-early"), event("dup-late")] } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        dedupe: scriptedDedupe({ "dup-early": "duplicate", "retried-early": "retried" }, { "dup-late": "duplicate", again: "retried" }),
        identity: (events) => {
          seen.push(events.map((e) => e.messageId));
          return Promise.resolve();
        },
      },
    );
    expect(seen).toEqual([["new", "again"], ["retried-early"]]);
    expect(summary.outcomes).toEqual([{ kind: "ack" }, { kind: "ack" }]);
  });

  it("retries only the message whose identity step failed", async () => {
    const summary = await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [event("ok")] } },
        { id: "q2", attempts: 1, body: { v: 1, events: [event("boom")] } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        dedupe: scriptedDedupe({}, {}),
        identity: (events) => (events[0]!.messageId === "boom" ? Promise.reject(new Error("index shard down")) : Promise.resolve()),
      },
    );
    expect(summary.outcomes[0]).toEqual({ kind: "ack" });
    expect(summary.outcomes[1]).toMatchObject({ kind: "retry" });
  });
});
