import type { AcceptedEvent } from "../../spec/accepted-event";
import type { EventType } from "../../spec/event-types";
import { isIsoDateTime } from "../../spec/timestamps";
import type { WarehouseRow, WarehouseValue } from "../parquet/types";
import { flattenToColumns } from "./flatten";
import { REDSHIFT_RESERVED_WORDS, toWarehouseName } from "./naming";

/** One row bound for one table. */
export interface TableRow {
  table: string;
  row: WarehouseRow;
}

/** The table each call lands in (docs, Warehouse Schemas, "Warehouse tables"). */
export const TABLE_FOR_TYPE: Readonly<Record<EventType, string>> = {
  track: "tracks",
  page: "pages",
  screen: "screens",
  identify: "identifies",
  group: "groups",
  alias: "aliases",
};

/**
 * Tables Sluice writes besides the per-event ones. An event whose snake-cased name is one of
 * these (an event called "Tracks") would share their table; the docs are silent, so Sluice
 * gives it the same `_` prefix as a reserved word (`_tracks`).
 */
export const RESERVED_TABLE_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(TABLE_FOR_TYPE),
  "users",
  "accounts",
  "identity_graph",
  "identity_merges",
  "profile_traits",
]);

/** The event table of a track call ("Order Completed" is `order_completed`), or "" when no character of the name survives. */
export function eventTableName(event: string): string {
  const name = toWarehouseName(event);
  return RESERVED_TABLE_NAMES.has(name) ? `_${name}` : name;
}

/**
 * Columns every table of calls has: `id` is the messageId, the four timestamps "pass through to
 * your Warehouse for every ETL'd event", and `uuid_ts` is "when the specific event was last
 * processed by our connector" (docs, Warehouse Schemas). Sluice passes that time in, so a re-run
 * sync with the same time writes the same rows.
 */
const COMMON_COLUMNS = ["id", "received_at", "sent_at", "timestamp", "original_timestamp", "uuid_ts", "user_id", "anonymous_id"];

/**
 * The columns of each table that properties and traits may not take: "Segment discards properties
 * with the same name as the reserved column name (for example, user_id)" (docs, Warehouse Schemas,
 * "Tracks vs. Events Tables"). `uuid` and `loaded_at` are Segment's too. Sluice also keeps
 * `context_*` for context, so a property can never land in a column that means context elsewhere.
 */
const RESERVED_COLUMNS: Readonly<Record<EventType, ReadonlySet<string>>> = {
  track: new Set([...COMMON_COLUMNS, "uuid", "loaded_at", "event", "event_text"]),
  page: new Set([...COMMON_COLUMNS, "uuid", "loaded_at", "name", "category"]),
  screen: new Set([...COMMON_COLUMNS, "uuid", "loaded_at", "name", "category"]),
  identify: new Set([...COMMON_COLUMNS, "uuid", "loaded_at"]),
  group: new Set([...COMMON_COLUMNS, "uuid", "loaded_at", "group_id"]),
  alias: new Set([...COMMON_COLUMNS, "uuid", "loaded_at", "previous_id"]),
};

export function isReservedColumn(type: EventType, column: string): boolean {
  // A property called `timestamp` arrives as `_timestamp` (a Redshift reserved word, naming.ts) but still collides.
  const unprefixed = column.startsWith("_") && REDSHIFT_RESERVED_WORDS.has(column.slice(1)) ? column.slice(1) : column;
  return RESERVED_COLUMNS[type].has(unprefixed) || column.startsWith("context_");
}

/**
 * The rows one archived call writes (docs, Warehouse Schemas): a track writes its `tracks` row
 * (standard columns, `event` and `event_text`, no properties: "a rollup of the different
 * event-specific tables") and its event table's row ("the same columns as the source.track
 * tables, but they also include columns specific to the properties of each event"); a page or
 * screen writes `name` and its properties; identify its traits; group `group_id` and the group's
 * traits; alias `previous_id`. `users` and `accounts` are kept by users-accounts.ts.
 */
export function eventTableRows(event: AcceptedEvent, uuidTs: Date): TableRow[] {
  const base = baseColumns(event, uuidTs);
  switch (event.type) {
    case "track": {
      const text = typeof event.event === "string" ? event.event : "";
      const table = eventTableName(text);
      const trackRow = { ...base, event: table === "" ? null : table, event_text: text };
      const rows: TableRow[] = [{ table: "tracks", row: toRow(trackRow) }];
      if (table !== "") rows.push({ table, row: withCustomColumns(trackRow, event.properties, "track") });
      return rows;
    }
    case "page":
    case "screen": {
      const named = { ...base, name: stringOrNull(event.name), category: stringOrNull(event.category) };
      return [{ table: TABLE_FOR_TYPE[event.type], row: withCustomColumns(named, event.properties, event.type) }];
    }
    case "identify":
      return [{ table: "identifies", row: withCustomColumns(base, event.traits, "identify") }];
    case "group":
      return [{ table: "groups", row: withCustomColumns({ ...base, group_id: stringOrNull(event.groupId) }, event.traits, "group") }];
    case "alias":
      return [{ table: "aliases", row: toRow({ ...base, previous_id: stringOrNull(event.previousId) }) }];
  }
}

function baseColumns(event: AcceptedEvent, uuidTs: Date): Record<string, WarehouseValue> {
  const columns: Record<string, WarehouseValue> = {
    id: event.messageId,
    received_at: timestampOrNull(event.receivedAt),
    sent_at: timestampOrNull(event.sentAt),
    timestamp: timestampOrNull(event.timestamp),
    original_timestamp: timestampOrNull(event.originalTimestamp),
    uuid_ts: uuidTs,
    user_id: stringOrNull(event.userId),
    anonymous_id: stringOrNull(event.anonymousId),
  };
  if (isObject(event.context)) for (const [name, value] of flattenToColumns(event.context, ["context"])) columns[name] = value;
  return columns;
}

/** Adds properties or traits, un-prefixed, except those that would take a reserved column. */
function withCustomColumns(standard: Record<string, WarehouseValue>, custom: unknown, type: EventType): WarehouseRow {
  const row = toRow(standard);
  if (!isObject(custom)) return row;
  for (const [name, value] of flattenToColumns(custom)) {
    if (!isReservedColumn(type, name)) row[name] = value;
  }
  return row;
}

/** Rows are null-prototype objects: a column called `constructor` or `__proto__` is only data. */
export function toRow(columns: Readonly<Record<string, WarehouseValue>>): WarehouseRow {
  const row = Object.create(null) as WarehouseRow;
  for (const [name, value] of Object.entries(columns)) if (value !== null) row[name] = value;
  return row;
}

/** The call's own timestamps are timestamps whatever their form, so any ISO-8601 the Spec accepts is read (as UTC when it has no zone). */
function timestampOrNull(value: unknown): Date | null {
  if (typeof value !== "string" || !isIsoDateTime(value)) return null;
  const normalized = value.replace(" ", "T");
  const zoned = normalized.length > 10 && !/(Z|[+-]\d{2}:?\d{2})$/.test(normalized.slice(10)) ? `${normalized}Z` : normalized;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function stringOrNull(value: unknown): string | null {
  if (typeof value === "string") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
