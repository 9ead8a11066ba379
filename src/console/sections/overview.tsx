import { Hono } from "hono";
import { readDeliveryMetrics } from "../../destinations/delivery-stats";
import { DestinationStore } from "../../destinations/destination-store";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedInEnv } from "../context";
import { byHealth, OverviewPage } from "../overview-page";
import { emptyActivity, pageOf, readSourceActivity } from "../source-activity";

/** Source charts per page of the overview. */
export const SOURCES_PER_OVERVIEW_PAGE = 12;
/** Destinations shown, least healthy first; the rest are counted. */
export const DESTINATIONS_SHOWN = 20;

const total = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);

/**
 * `/console`: events per source (hourly buckets, the busiest first, paged) and delivery health
 * per destination (the least healthy first). Sign-in is answered before this by routes.tsx.
 */
export const overviewSection = new Hono<SignedInEnv>().get("/", async (c) => {
  const now = new Date();
  const db = c.env.DB;
  const [sources, activity, destinations] = await Promise.all([new SourceStore(db).list(), readSourceActivity(db, now), new DestinationStore(db).list()]);
  const rows = sources
    .map((source) => ({ source, activity: activity.get(source.id) ?? emptyActivity() }))
    .sort((a, b) => total(b.activity.hourly) - total(a.activity.hourly)); // stable: oldest first among equals
  const shown = pageOf(rows, Number(c.req.query("page") ?? "1"), SOURCES_PER_OVERVIEW_PAGE);
  const metrics = await Promise.all(destinations.map((destination) => readDeliveryMetrics(db, destination.id, now)));
  const health = byHealth(destinations.map((destination, i) => ({ destination, metrics: metrics[i]! })));
  const { session, csrfToken } = c.get("signedIn");
  return render(
    c,
    <OverviewPage
      subject={session.sub}
      csrfToken={csrfToken}
      sources={shown.items}
      page={shown.page}
      pages={shown.pages}
      destinations={health.slice(0, DESTINATIONS_SHOWN)}
      moreDestinations={Math.max(0, health.length - DESTINATIONS_SHOWN)}
    />,
  );
});
