import { Hono } from "hono";
import { DestinationStore } from "../../destinations/destination-store";
import { ReplayRegistry } from "../../replay/replay-registry";
import { replayRequest } from "../../replay/replay-request";
import { askReplay, startReplay } from "../../replay/start-replay";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedInContext, type SignedInEnv } from "../context";
import { NotFoundPage } from "../pages";
import type { PostedForm } from "./destination-form";
import { ReplayPage, ReplaysPage, type ReplayFormValues } from "./replay-pages";

/** Replays the history shows (ReplayRegistry, newest first). */
const HISTORY = 100;

/** `2026-01-31T10:00` (a datetime-local input, taken as UTC) → `2026-01-31T10:00:00Z`; anything else as typed, for the schema to judge. */
export function instantOf(typed: string): string {
  const value = typed.trim();
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)) return `${value}:00Z`;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(value)) return `${value}Z`;
  return value;
}

const localInput = (date: Date) => date.toISOString().slice(0, 19);
const list = (form: PostedForm, name: string) => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === "string");
};
const pageContext = (c: SignedInContext) => ({ subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken });

async function listPage(c: SignedInContext, form: ReplayFormValues | null, error?: string) {
  const [replays, sources, destinations] = await Promise.all([
    new ReplayRegistry(c.env.DB).list(HISTORY),
    new SourceStore(c.env.DB).list(),
    new DestinationStore(c.env.DB).list(),
  ]);
  const now = new Date();
  const values = form ?? {
    sourceId: sources[0]?.id ?? "",
    destinationIds: [],
    from: localInput(new Date(now.getTime() - 86_400_000)),
    to: localInput(now),
    eventTypes: [],
  };
  return render(
    c,
    <ReplaysPage {...pageContext(c)} replays={replays} sources={sources} destinations={destinations} form={values} error={error} />,
    error ? 400 : 200,
  );
}

async function replayPage(c: SignedInContext, id: string, ask: "progress" | "cancel") {
  const replay = await askReplay(c.env, id, (object) => (ask === "cancel" ? object.cancel() : object.progress()));
  if (!replay) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
  const destinations = await new DestinationStore(c.env.DB).list();
  return render(c, <ReplayPage {...pageContext(c)} replay={replay} destinationNames={Object.fromEntries(destinations.map((item) => [item.id, item.name]))} />);
}

/**
 * `/console/replays`: history, the start form (checked by the admin API's schema and
 * start-replay.ts, as `POST /api/v1/replays`), a replay's progress and its cancel button.
 */
export const replaysSection = new Hono<SignedInEnv>()
  .get("/replays", (c) => listPage(c, null))
  .post("/replays", async (c) => {
    const form = await c.req.parseBody<{ all: true }, PostedForm>({ all: true });
    const values: ReplayFormValues = {
      sourceId: typeof form.sourceId === "string" ? form.sourceId : "",
      destinationIds: list(form, "destinationIds"),
      from: typeof form.from === "string" ? form.from : "",
      to: typeof form.to === "string" ? form.to : "",
      eventTypes: list(form, "eventTypes"),
    };
    const parsed = replayRequest.safeParse({
      sourceId: values.sourceId,
      destinationIds: values.destinationIds,
      from: instantOf(values.from),
      to: instantOf(values.to),
      ...(values.eventTypes.length > 0 ? { eventTypes: values.eventTypes } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return listPage(c, values, `${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid"}.`);
    }
    const started = await startReplay(c.env, parsed.data, new Date());
    if (!started.ok) return listPage(c, values, started.message);
    return c.redirect(`/console/replays/${encodeURIComponent(started.replay.id)}`, 303);
  })
  .get("/replays/:id", (c) => replayPage(c, c.req.param("id"), "progress"))
  .post("/replays/:id/cancel", (c) => replayPage(c, c.req.param("id"), "cancel"));
