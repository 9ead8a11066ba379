import { Hono } from "hono";
import { WarehouseSyncStore } from "../../warehouse/store/warehouse-syncs";
import { startWarehouseSync } from "../../warehouse/sync/start-sync";
import { formFields, notFoundPage, pageContextOf, render, type SignedInContext, type SignedInEnv } from "../context";
import { readWarehouseSource, readWarehouseSources } from "./warehouse-data";
import { WarehousePage, WarehouseSourcePage } from "./warehouse-pages";
import { scheduleOf } from "./warehouse-schedule";

/** What Sync now did, by the `done` of the redirect after it (`?done=started`): fixed words, the name from stored data. */
const NOTICES: Record<string, (name: string) => string> = {
  started: (name) => `Sync of ${name} started: it runs in the background. Reload to see it finish.`,
  running: (name) => `${name} was already syncing: another sync follows that one, for what it may have missed. Reload to see them finish.`,
};

const noticeOf = (c: SignedInContext, name: string | undefined) => {
  const notice = NOTICES[c.req.query("done") ?? ""];
  return notice && name !== undefined ? notice(name) : undefined;
};

const pageExtras = (c: SignedInContext) => ({
  ...pageContextOf(c),
  origin: new URL(c.req.url).origin,
  schedule: scheduleOf(c.env.WAREHOUSE_SYNC_INTERVAL_MINUTES),
});

/**
 * `/console/warehouse`: every source's warehouse sync, a page per source with its tables, and
 * Sync now, which starts a sync as `POST /api/v1/warehouse/syncs` does (`startWarehouseSync`).
 */
export const warehouseSection = new Hono<SignedInEnv>()
  .get("/warehouse", async (c) => {
    const now = new Date();
    const sources = await readWarehouseSources(c.env.DB, now);
    const synced = c.req.query("source");
    const notice = noticeOf(c, sources.find((row) => row.source.id === synced)?.source.name);
    return render(c, <WarehousePage {...pageExtras(c)} now={now} notice={notice} sources={sources} />);
  })
  .get("/warehouse/:sourceId", async (c) => {
    const now = new Date();
    const detail = await readWarehouseSource(c.env.DB, c.req.param("sourceId"), now);
    if (!detail) return notFoundPage(c);
    return render(c, <WarehouseSourcePage {...pageExtras(c)} now={now} notice={noticeOf(c, detail.source.name)} detail={detail} />);
  })
  .post("/warehouse/:sourceId/sync", async (c) => {
    const sourceId = c.req.param("sourceId");
    const back = (await formFields(c)).back === "source" ? "source" : "list";
    // A sync already running is answered instead of a new one (which then follows it): the newest sync before says which it was.
    const [before] = await new WarehouseSyncStore(c.env.DB).list(sourceId, 1);
    const sync = await startWarehouseSync(c.env, sourceId, { trigger: "manual", full: false });
    if (!sync) return notFoundPage(c);
    const done = before?.status === "running" && before.id === sync.id ? "running" : "started";
    const id = encodeURIComponent(sourceId);
    return c.redirect(back === "source" ? `/console/warehouse/${id}?done=${done}` : `/console/warehouse?done=${done}&source=${id}`, 303);
  });
