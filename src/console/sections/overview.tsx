import { Hono } from "hono";
import { emptyMinuteSeries, readMinuteSeries } from "../../activity/minutes";
import { byHealth } from "../../destinations/delivery-health";
import { emptyDeliveryMetrics, readAllDeliveryMetrics } from "../../destinations/delivery-stats";
import { DestinationStore } from "../../destinations/destination-store";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedInEnv } from "../context";
import { OverviewPage } from "../overview-page";
import { pageOf } from "../source-activity";

/** Source charts per page of the overview. */
export const SOURCES_PER_OVERVIEW_PAGE = 12;
/** Destinations shown, least healthy first; the rest are counted. */
export const DESTINATIONS_SHOWN = 20;

const noDeliveries = emptyDeliveryMetrics();
const total = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);

/**
 * `/console`: events per source per minute (the busiest first, paged) and delivery health per
 * destination (the least healthy first): three D1 round trips whatever the counts. Sign-in is
 * answered before this by routes.tsx.
 */
export const overviewSection = new Hono<SignedInEnv>().get("/", async (c) => {
  const now = new Date();
  const db = c.env.DB;
  const [sources, minutes, destinations, metrics] = await Promise.all([
    new SourceStore(db).list(),
    readMinuteSeries(db, now),
    new DestinationStore(db).list(),
    readAllDeliveryMetrics(db, now),
  ]);
  const rows = sources
    .map((source) => ({ source, minutes: minutes.get(source.id) ?? emptyMinuteSeries() }))
    .sort((a, b) => total(b.minutes) - total(a.minutes)); // stable: oldest first among equals
  const shown = pageOf(rows, Number(c.req.query("page") ?? "1"), SOURCES_PER_OVERVIEW_PAGE);
  const health = byHealth(destinations.map((destination) => ({ destination, metrics: metrics.get(destination.id) ?? noDeliveries })));
  const { session, csrfToken } = c.get("signedIn");
  return render(
    c,
    <OverviewPage
      subject={session.sub}
      csrfToken={csrfToken}
      sources={shown.items}
      page={shown.page}
      pageSize={SOURCES_PER_OVERVIEW_PAGE}
      total={rows.length}
      destinations={health.slice(0, DESTINATIONS_SHOWN)}
      moreDestinations={Math.max(0, health.length - DESTINATIONS_SHOWN)}
    />,
  );
});
