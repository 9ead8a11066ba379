import type { FC } from "hono/jsx";
import type { WarehouseSync } from "../../warehouse/store/warehouse-syncs";
import { formatCount } from "../charts";
import { CsrfField, ListTable, Time } from "../ui";
import type { WarehouseTable } from "./warehouse-data";
import { duckdbFromFilesApi, duckdbFromR2, type QueryTarget } from "./warehouse-query";

/** Pieces both Warehouse pages show: a sync's status and counts, Sync now, a schema's tables, the query box. Pure, JSX-escaped. */

const TONE = { succeeded: "pill-ok", failed: "pill-bad", running: "pill-warn" } as const;

/** A sync's status as a word in a badge; "never synced" without one. */
export const SyncStatus: FC<{ sync: WarehouseSync | undefined }> = ({ sync }) =>
  sync ? <span class={`pill ${TONE[sync.status]}`}>{sync.status}</span> : <span class="pill pill-off">never synced</span>;

/** 1,234 B, 12.3 KB, 4.5 MB: decimal units, as R2 bills them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${formatCount(bytes)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** "3 of 12 hours · 1,234 rows · 15 files": what a sync has done so far. */
export const syncCounts = (sync: WarehouseSync) =>
  `${formatCount(sync.hoursSynced)} of ${plural(sync.hoursTotal, "hour")} · ${plural(sync.rowsWritten, "row")} · ${plural(sync.filesWritten, "file")}`;

/** "manual", "schedule, full": what started a sync. */
export const syncTrigger = (sync: WarehouseSync) => (sync.full ? `${sync.trigger}, full` : sync.trigger);

/** A failed sync's error, in full: it says what went wrong and often what to do. */
/** The "Last sync" fact: when it started (and, where asked, what started it) and what it wrote. */
export const LastSyncFact: FC<{ last: WarehouseSync | undefined; withTrigger?: boolean }> = ({ last, withTrigger = false }) =>
  last ? (
    <>
      <Time iso={last.createdAt} />
      {` · ${withTrigger ? `${syncTrigger(last)} · ` : ""}${syncCounts(last)}`}
    </>
  ) : (
    "No sync yet: Sync now, or wait for the schedule."
  );

export const SyncError: FC<{ sync: WarehouseSync | undefined }> = ({ sync }) =>
  sync?.status === "failed" && sync.error ? <p class="error sync-error">{`Failed: ${sync.error}`}</p> : null;

/** Where Sync now sends the browser back to. */
export type SyncReturn = "list" | "source";

/**
 * Sync now: a POST with the CSRF token (starting a sync changes state); the answer redirects
 * back, so a reload asks for the page again, not for another sync.
 */
export const SyncNowForm: FC<{ csrfToken: string; sourceId: string; sourceName: string; back: SyncReturn }> = ({ csrfToken, sourceId, sourceName, back }) => (
  <form method="post" action={`/console/warehouse/${encodeURIComponent(sourceId)}/sync`} class="sync-now">
    <CsrfField token={csrfToken} />
    <input type="hidden" name="back" value={back} />
    <button type="submit" aria-label={`Sync now: ${sourceName}`}>
      Sync now
    </button>
  </form>
);

/** A schema's tables, each a disclosure with its columns and their types. */
export const TableList: FC<{ tables: readonly WarehouseTable[] }> = ({ tables }) => (
  <div class="warehouse-tables">
    {tables.map((table) => (
      <details class="warehouse-table">
        <summary>
          <code>{table.name}</code>{" "}
          <span class="muted">{`${plural(table.rows, "row")} · ${plural(table.files, "file")} · ${formatBytes(table.bytes)} · ${plural(table.columns.length, "column")}`}</span>
        </summary>
        {table.columns.length === 0 ? (
          <p class="muted">No columns recorded for this table.</p>
        ) : (
          <ListTable label={`Columns of ${table.name}`} columns={["Column", "Type"]}>
            {table.columns.map((column) => (
              <tr>
                <td>
                  <code>{column.name}</code>
                </td>
                <td>{column.type}</td>
              </tr>
            ))}
          </ListTable>
        )}
      </details>
    ))}
  </div>
);

/** How to read the tables with DuckDB, as text to copy. */
export const QueryBox: FC<{ target: QueryTarget }> = ({ target }) => (
  <section class="panel" aria-labelledby="query-it">
    <h2 id="query-it">Query it</h2>
    <p>
      Files are Parquet, laid out Hive-style: <code>{`warehouse/${target.slug ?? "<schema>"}/<table>/dt=YYYY-MM-DD/*.parquet`}</code>, every table alike (users
      and accounts too). Any engine that reads Parquet from S3 reads them.
    </p>
    <pre class="query" tabindex={0} aria-label="DuckDB over R2">
      {duckdbFromR2(target)}
    </pre>
    <pre class="query" tabindex={0} aria-label="DuckDB over the files API">
      {duckdbFromFilesApi(target)}
    </pre>
  </section>
);
