import { Hono } from "hono";
import { DestinationStore } from "../../destinations/destination-store";
import { ReplayRegistry } from "../../replay/replay-registry";
import { askReplay, startReplay } from "../../replay/start-replay";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedInContext, type SignedInEnv } from "../context";
import { NotFoundPage } from "../pages";
import type { PostedForm } from "../form";
import { replayFormOf, replayRequestOf, type ReplayFormValues } from "./replay-form";
import { ReplayPage, ReplaysPage } from "./replay-pages";

/** Replays the history shows (ReplayRegistry, newest first). */
const HISTORY = 100;

const localInput = (date: Date) => date.toISOString().slice(0, 19);
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
    eventNames: "",
    ratePerSecond: "",
  };
  return render(
    c,
    <ReplaysPage {...pageContext(c)} replays={replays} sources={sources} destinations={destinations} form={values} error={error} />,
    error ? 400 : 200,
  );
}

async function replayPage(c: SignedInContext, id: string) {
  const replay = await askReplay(c.env, id, (object) => object.progress());
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
    const values = replayFormOf(await c.req.parseBody<{ all: true }, PostedForm>({ all: true }));
    const parsed = replayRequestOf(values);
    if (!parsed.ok) return listPage(c, values, parsed.message);
    const started = await startReplay(c.env, parsed.request, new Date());
    if (!started.ok) return listPage(c, values, started.message);
    return c.redirect(`/console/replays/${encodeURIComponent(started.replay.id)}`, 303);
  })
  .get("/replays/:id", (c) => replayPage(c, c.req.param("id")))
  .post("/replays/:id/cancel", async (c) => {
    const id = c.req.param("id");
    if (!(await askReplay(c.env, id, (object) => object.cancel()))) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    // Back to the replay's own page, so reloading it (or its refresh) asks for progress, not to cancel again.
    return c.redirect(`/console/replays/${encodeURIComponent(id)}`, 303);
  });
