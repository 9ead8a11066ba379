import { Hono } from "hono";
import { readDeliveryMetrics } from "../../destinations/delivery-stats";
import { DestinationStore } from "../../destinations/destination-store";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedInEnv } from "../context";
import { OverviewPage } from "../overview-page";
import { emptyActivity, readSourceActivity } from "../source-activity";

/** Sources and destinations shown on the overview; the rest are a click away in their sections. */
export const OVERVIEW_LIMIT = 20;

/** `/console`: events per source (hourly buckets) and delivery health per destination. */
export const overviewSection = new Hono<SignedInEnv>().get("/", async (c) => {
  const now = new Date();
  const [sources, activity, destinations] = await Promise.all([
    new SourceStore(c.env.DB).list(),
    readSourceActivity(c.env.DB, now),
    new DestinationStore(c.env.DB).list(),
  ]);
  const shownDestinations = destinations.slice(0, OVERVIEW_LIMIT);
  const metrics = await Promise.all(shownDestinations.map((destination) => readDeliveryMetrics(c.env.DB, destination.id, now)));
  const { subject, csrfToken } = { subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken };
  return render(
    c,
    <OverviewPage
      subject={subject}
      csrfToken={csrfToken}
      sources={sources.slice(0, OVERVIEW_LIMIT).map((source) => ({ source, activity: activity.get(source.id) ?? emptyActivity() }))}
      destinations={shownDestinations.map((destination, i) => ({ destination, metrics: metrics[i]! }))}
    />,
  );
});
