import type { FC } from "hono/jsx";
import { IDENTITY_SCHEMA } from "../../warehouse/store/source-slug";
import { Layout } from "../layout";
import { EmptyState, ListTable, Time } from "../ui";
import type { WarehouseSourceDetail, WarehouseSourceRow } from "./warehouse-data";
import { LastSyncFact, QueryBox, SyncError, SyncNowForm, SyncStatus, TableList, syncTrigger } from "./warehouse-parts";
import { describeSchedule, nextScheduledSync, type SyncSchedule } from "./warehouse-schedule";

/** Pure pages of the Warehouse section: functions of what the routes read. */

interface PageContext {
  subject: string;
  csrfToken: string;
  /** The console's origin, for the files API's URLs. */
  origin: string;
  schedule: SyncSchedule;
  now: Date;
  /** What the last Sync now did (Post/Redirect/Get), said once. */
  notice?: string | undefined;
}

export interface WarehousePageProps extends PageContext {
  sources: readonly WarehouseSourceRow[];
}

const warehousePath = (sourceId: string) => `/console/warehouse/${encodeURIComponent(sourceId)}`;

const Notice: FC<{ text: string | undefined }> = ({ text }) =>
  text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;

const Schedule: FC<{ schedule: SyncSchedule }> = ({ schedule }) => (
  <p class={schedule.kind === "invalid" ? "error" : "note"} role={schedule.kind === "invalid" ? "alert" : undefined}>
    {describeSchedule(schedule)}
  </p>
);

/** `/console/warehouse`: every source's schema, last sync and next scheduled one, with Sync now. */
export const WarehousePage: FC<WarehousePageProps> = ({ subject, csrfToken, origin, schedule, now, notice, sources }) => (
  <Layout title="Warehouse" current="warehouse" subject={subject} csrfToken={csrfToken}>
    <p class="lead">Each source's archived events as Segment's warehouse tables (tracks, pages, identifies, users, one per event…), Parquet files in R2.</p>
    <Schedule schedule={schedule} />
    <Notice text={notice} />
    {sources.length === 0 ? (
      <EmptyState title="No sources yet">
        <p>
          The warehouse holds each source's events: <a href="/console/sources">create a source</a> and send it events, then sync it here.
        </p>
      </EmptyState>
    ) : (
      <ul class="warehouse-sources">
        {sources.map(({ source, slug, last }) => (
          <li class="panel">
            <div class="source-head">
              <h2>
                <a href={warehousePath(source.id)}>{source.name}</a>
              </h2>
              <SyncStatus sync={last} />
              <SyncNowForm csrfToken={csrfToken} sourceId={source.id} sourceName={source.name} back="list" />
            </div>
            <dl class="facts">
              <dt>Schema</dt>
              <dd>
                <code>{slug}</code>
              </dd>
              <dt>Last sync</dt>
              <dd>
                <LastSyncFact last={last} withTrigger />
              </dd>
              <dt>Next scheduled</dt>
              <dd>{nextScheduledSync(schedule, source, last, now)}</dd>
            </dl>
            <SyncError sync={last} />
          </li>
        ))}
      </ul>
    )}
    <QueryBox target={queryTargetOf(origin, sources)} />
  </Layout>
);

/** The Query it example reads a source that has tables: the first one synced, else the first one. */
function queryTargetOf(origin: string, sources: readonly WarehouseSourceRow[]) {
  const shown = sources.find((row) => row.last?.status === "succeeded") ?? sources[0];
  return { origin, sourceId: shown?.source.id ?? null, slug: shown?.slug ?? null, table: "tracks" };
}

export interface WarehouseSourcePageProps extends PageContext {
  detail: WarehouseSourceDetail;
}

/** `/console/warehouse/:sourceId`: the source's tables and columns, its recent syncs, the identity tables, Sync now. */
export const WarehouseSourcePage: FC<WarehouseSourcePageProps> = ({ subject, csrfToken, origin, schedule, now, notice, detail }) => {
  const { source, warehouse, syncs, tables, identityTables } = detail;
  const last = syncs[0];
  return (
    <Layout title={`Warehouse: ${source.name}`} current="warehouse" subject={subject} csrfToken={csrfToken}>
      <p class="crumbs">
        <a href="/console/warehouse">Warehouse</a> / <a href={`/console/sources/${encodeURIComponent(source.id)}`}>{source.name}</a>
      </p>
      <Notice text={notice} />
      <section class="panel" aria-labelledby="sync">
        <div class="source-head">
          <h2 id="sync">Sync</h2>
          <SyncStatus sync={last} />
          <SyncNowForm csrfToken={csrfToken} sourceId={source.id} sourceName={source.name} back="source" />
        </div>
        <dl class="facts">
          <dt>Schema</dt>
          <dd>
            <code>{warehouse.slug}</code> <span class="muted">{`files under warehouse/${warehouse.slug}/`}</span>
          </dd>
          <dt>Last sync</dt>
          <dd>
            <LastSyncFact last={last} />
          </dd>
          <dt>Next scheduled</dt>
          <dd>{nextScheduledSync(schedule, source, last, now)}</dd>
        </dl>
        {last?.status === "running" ? (
          <p class="muted">
            Running: <a href={warehousePath(source.id)}>reload</a> to follow it.
          </p>
        ) : null}
        <SyncError sync={last} />
        <Schedule schedule={schedule} />
      </section>

      <section aria-labelledby="tables">
        <h2 id="tables">Tables</h2>
        {tables.length === 0 ? (
          <EmptyState title={last ? "No tables yet" : "No sync yet"}>
            <p>
              {last
                ? "The syncs so far found no archived events for this source: send it events, then Sync now."
                : "Sync now, or wait for the schedule: each sync writes the source's archived events as tables here."}
            </p>
          </EmptyState>
        ) : (
          <TableList tables={tables} />
        )}
      </section>

      <section aria-labelledby="identity-tables">
        <h2 id="identity-tables">Identity tables (space-wide)</h2>
        <p class="note">
          Profiles across every source, under <code>{`warehouse/${IDENTITY_SCHEMA}/`}</code>: rewritten by each source's sync.
        </p>
        {identityTables.length === 0 ? (
          <EmptyState title="No identity tables yet">
            <p>The first sync of any source writes them once profiles exist.</p>
          </EmptyState>
        ) : (
          <TableList tables={identityTables} />
        )}
      </section>

      <section class="syncs" aria-labelledby="recent-syncs">
        <h2 id="recent-syncs">Recent syncs</h2>
        {syncs.length === 0 ? (
          <EmptyState title="No sync yet">
            <p>Sync now, or wait for the schedule.</p>
          </EmptyState>
        ) : (
          <ListTable
            label="Syncs, newest first"
            columns={[
              "Started",
              "Status",
              { label: "Trigger", class: "wide" },
              { label: "Finished", class: "wide" },
              { label: "Hours", class: "num wide" },
              { label: "Rows", class: "num" },
              { label: "Files", class: "num" },
            ]}
          >
            {syncs.map((sync) => (
              <>
                <tr>
                  <td>
                    <Time iso={sync.createdAt} />
                  </td>
                  <td>
                    <SyncStatus sync={sync} />
                  </td>
                  <td class="wide">{syncTrigger(sync)}</td>
                  <td class="wide">
                    <Time iso={sync.finishedAt} />
                  </td>
                  <td class="num wide">{`${sync.hoursSynced} / ${sync.hoursTotal}`}</td>
                  <td class="num">{sync.rowsWritten.toLocaleString("en-US")}</td>
                  <td class="num">{sync.filesWritten.toLocaleString("en-US")}</td>
                </tr>
                {sync.status === "failed" && sync.error ? (
                  <tr>
                    <td colspan={7} class="sync-error-cell">
                      <span class="error-text">{`Error: ${sync.error}`}</span>
                    </td>
                  </tr>
                ) : null}
              </>
            ))}
          </ListTable>
        )}
      </section>

      <QueryBox target={{ origin, sourceId: source.id, slug: warehouse.slug, table: "tracks" }} />
    </Layout>
  );
};
