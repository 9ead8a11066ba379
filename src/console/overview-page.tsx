import type { FC } from "hono/jsx";
import type { Destination } from "../destinations/destination-store";
import type { Source } from "../sources/source";
import { deliveryHealth } from "../destinations/delivery-health";
import type { DeliveryMetrics } from "../destinations/delivery-stats";
import { ColumnChart, formatCount } from "./charts";
import { Layout } from "./layout";
import type { Viewer } from "./sources-pages";
import { ListTable, Pager } from "./ui";

/** The console's home: what came in per source, and how each destination is delivering. */

export interface DestinationHealthRow {
  destination: Destination;
  metrics: DeliveryMetrics;
}

export interface SourceMinutesRow {
  source: Source;
  /** Events per minute over the last 24 hours, oldest first; the last is the minute in progress. */
  minutes: readonly number[];
}

export interface OverviewPageProps extends Viewer {
  /** This page of sources, most events in 24 hours first. */
  sources: readonly SourceMinutesRow[];
  page: number;
  pageSize: number;
  /** How many sources there are in all. */
  total: number;
  /** The destinations shown, least healthy first. */
  destinations: readonly DestinationHealthRow[];
  /** Destinations left out (past the first ones shown). */
  moreDestinations?: number;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export const OverviewPage: FC<OverviewPageProps> = ({ subject, csrfToken, sources, page, pageSize, total, destinations, moreDestinations = 0 }) => (
  <Layout title="Overview" current="overview" subject={subject} csrfToken={csrfToken}>
    <section aria-labelledby="events">
      <h2 id="events">Events per source</h2>
      {sources.length === 0 ? (
        <div class="empty">
          <p>
            <strong>No sources yet.</strong> <a href="/console/sources">Create a source</a>, paste its snippet into your site, and its events appear here.
          </p>
        </div>
      ) : (
        <>
          <p class="note">Events per minute over the last 24 hours, as the edge received them; the last column is the minute in progress.</p>
          <ul class="charts">
            {sources.map(({ source, minutes }) => (
              <li class="panel">
                <div class="chart-head">
                  <a href={`/console/sources/${encodeURIComponent(source.id)}`}>{source.name}</a>
                  {source.enabled ? null : <span class="status off">Disabled</span>}
                  <span class="count">
                    {formatCount(sum(minutes))} in 24 h · {formatCount(sum(minutes.slice(-60)))} in the last hour
                  </span>
                </div>
                {sum(minutes) === 0 ? (
                  <p class="empty-chart">
                    No events in the last 24 hours. Send a first event, or open the{" "}
                    <a href={`/console/sources/${encodeURIComponent(source.id)}/debugger`}>live debugger</a> to see what arrives.
                  </p>
                ) : (
                  <>
                    <ColumnChart values={minutes} unit="minute" label={`${source.name}, events per minute over the last 24 hours`} />
                    <div class="axis" aria-hidden="true">
                      <span>24 h ago</span>
                      <span>now</span>
                    </div>
                  </>
                )}
              </li>
            ))}
          </ul>
          <Pager page={page} pageSize={pageSize} total={total} href={(n) => `/console?page=${n}`} noun="sources" />
        </>
      )}
    </section>

    <section aria-labelledby="delivery">
      <h2 id="delivery">Delivery health, last 24 hours</h2>
      {destinations.length === 0 ? (
        <div class="empty">
          <p>
            <strong>No destinations yet.</strong> <a href="/console/destinations">Add one</a> (a webhook, or another Segment workspace) and its deliveries are
            summarised here.
          </p>
        </div>
      ) : (
        <ListTable
          label="Delivery health per destination"
          columns={[
            "Destination",
            "Health",
            { label: "Delivered", class: "num" },
            { label: "Failed", class: "num" },
            { label: "Retrying", class: "num" },
            { label: "Discarded", class: "num" },
            { label: "p95 latency", class: "num" },
          ]}
        >
          {destinations.map(({ destination, metrics }) => {
            const health = deliveryHealth(metrics, destination.enabled);
            return (
              <tr>
                <th scope="row">
                  {destination.name} <span class="type">{destination.type}</span>
                </th>
                <td>
                  <span class={`pill pill-${health.level}`}>{health.label}</span>
                </td>
                <td class="num">{formatCount(metrics.delivered)}</td>
                <td class="num">{formatCount(metrics.failed)}</td>
                <td class="num">{formatCount(metrics.retrying)}</td>
                <td class="num">{formatCount(metrics.discarded)}</td>
                <td class="num">{metrics.p95LatencyMs === null ? "—" : `${formatCount(Math.round(metrics.p95LatencyMs))} ms`}</td>
              </tr>
            );
          })}
        </ListTable>
      )}
      {moreDestinations > 0 ? (
        <p class="note">
          {formatCount(moreDestinations)} more destination{moreDestinations === 1 ? " is" : "s are"} not shown: the least healthy are listed first.
        </p>
      ) : null}
    </section>
  </Layout>
);
