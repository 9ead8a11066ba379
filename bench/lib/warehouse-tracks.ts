// The warehouse section's workload (bench/sections/warehouse.mjs), bundled by esbuild for Node:
// analytics.js track calls accepted as the edge accepts them (src/ingest), their archive lines
// (the accepted JSON) and their rows in the event's own table, mapped by src/warehouse/schema.
import { archiveKey } from "../../src/archive/archive-key";
import { encodeNdjsonGzip } from "../../src/archive/ndjson";
import { acceptBatch } from "../../src/ingest/accept-payload";
import type { AcceptedEvent } from "../../src/spec/accepted-event";
import { DEFAULT_ROW_GROUP_SIZE, ParquetFileBuilder, type WarehouseColumn, type WarehouseRow } from "../../src/warehouse/parquet";
import { coerceRowToColumns, inferTableColumns, rowsForEvent } from "../../src/warehouse/schema";
import { writeHour } from "../../src/warehouse/sync/write-hour";

export { archiveKey, DEFAULT_ROW_GROUP_SIZE, encodeNdjsonGzip, ParquetFileBuilder, writeHour };

/** The events of a `/v1/batch` body as the edge accepts them, with their archive lines. */
export function acceptTracks(body: unknown, receivedAt: Date, newMessageId: () => string): { events: AcceptedEvent[]; lines: string[] } {
  const { events, rejected } = acceptBatch(body, { receivedAt, sourceId: "src_bench", ip: "203.0.113.7" }, newMessageId);
  if (rejected.length > 0) throw new Error(`bench: ${rejected.length} event(s) of the batch were rejected: ${rejected[0]!.message}`);
  return { events: events.map((serialized) => serialized.event), lines: events.map((serialized) => serialized.json) };
}

const UUID_TS = new Date("2026-01-01T00:00:00.000Z");

/** An accepted track's row in its own event table, as src/warehouse/schema maps it (not yet typed). */
export function eventTableRow(event: AcceptedEvent): WarehouseRow {
  const row = rowsForEvent(event, { uuidTs: UUID_TS }).find(({ table }) => table !== "tracks")?.row;
  if (!row) throw new Error(`bench: the track ${event.messageId} wrote no event-table row`);
  return row;
}

/** The table's columns as the schema layer infers them from `rows`, and the rows typed to them. */
export function typedTable(rows: WarehouseRow[], known?: WarehouseColumn[]): { columns: WarehouseColumn[]; rows: WarehouseRow[] } {
  const columns = known ?? inferTableColumns(undefined, rows);
  return { columns, rows: rows.map((row) => coerceRowToColumns(row, columns)) };
}
