import type { AcceptedEvent } from "../../spec/accepted-event";
import type { WarehouseRow, WarehouseValue } from "../parquet/types";
import { flattenToColumns } from "./flatten";

/**
 * `users` and `accounts`: one row per userId (from identify) and per groupId (from group), with
 * the latest traits. Segment describes `users` as the identifies table reduced to "the most
 * recent Identify call for each account" (docs, Useful SQL, "Convert the identifies table into a
 * users table"), with `id` the userId and `received_at`, and "an aggregate view based on the
 * user_id field ... anonymous profiles with just an anonymous_id identifier aren't included"
 * (docs, Engage warehouses); `accounts` is its twin for groups.
 *
 * Where the docs are silent Sluice chooses, so that the result does not depend on the order the
 * calls are processed in:
 * - "latest" is per column, by the call's `timestamp`, then `received_at`, then messageId: a
 *   later identify with only `plan` keeps the user's `email`, as Segment's upserted users table does;
 * - a null trait is no value ("Segment creates and populates a column only when it receives a
 *   non-null value"), so it neither creates nor clears a column;
 * - traits that would take `id`, `received_at`, `uuid_ts`, `uuid` or `loaded_at` are discarded,
 *   as on every other table.
 */
export interface ProfileRowState {
  row: WarehouseRow;
  /** The call that set each column, so a merge can tell which value is newer. */
  versions: Readonly<Record<string, CallOrder>>;
}

export interface CallOrder {
  timestamp: string;
  receivedAt: string;
  messageId: string;
}

const RESERVED = new Set(["id", "received_at", "uuid_ts", "uuid", "loaded_at"]);

/** What `users` and `accounts` keep of an identify or a group call. */
export interface ProfileCall {
  kind: "user" | "account";
  /** The userId or the groupId. */
  id: string;
  traits: unknown;
  timestamp: string;
  receivedAt: string;
  messageId: string;
}

/** The call's part in `users` (an identify with a userId) or `accounts` (a group call with a groupId); null for any other call. */
export function profileCallOf(event: AcceptedEvent): ProfileCall | null {
  const kind = event.type === "identify" ? "user" : event.type === "group" ? "account" : null;
  const id = event.type === "identify" ? event.userId : event.type === "group" ? event.groupId : undefined;
  if (kind === null || typeof id !== "string" || id === "") return null;
  return { kind, id, traits: event.traits, timestamp: event.timestamp, receivedAt: event.receivedAt, messageId: event.messageId };
}

/** Folds one call into the row of its user or account. */
export function mergeProfileCall(previous: ProfileRowState | undefined, call: ProfileCall, options: { uuidTs: Date }): ProfileRowState {
  const { id, traits } = call;
  if (previous && previous.row.id !== id)
    throw new Error(`mergeProfileCall: the call is for ${id}, the row for ${String(previous.row.id)}; pass each id its own row`);
  const order: CallOrder = { timestamp: call.timestamp, receivedAt: call.receivedAt, messageId: call.messageId };
  const row: WarehouseRow = Object.assign(Object.create(null) as WarehouseRow, previous?.row, { id, uuid_ts: options.uuidTs });
  const versions: Record<string, CallOrder> = Object.assign(Object.create(null) as Record<string, CallOrder>, previous?.versions);
  const incoming = new Map<string, WarehouseValue>([["received_at", new Date(call.receivedAt)]]);
  if (isObject(traits)) for (const [name, value] of flattenToColumns(traits)) if (!RESERVED.has(name)) incoming.set(name, value);
  for (const [name, value] of incoming) {
    const current = versions[name];
    if (current && compareCalls(current, order) >= 0) continue;
    row[name] = value;
    versions[name] = order;
  }
  return { row, versions };
}

/** Later timestamp, then later receipt, then the greater messageId: a total order on calls. */
export function compareCalls(a: CallOrder, b: CallOrder): number {
  return Date.parse(a.timestamp) - Date.parse(b.timestamp) || Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || compareText(a.messageId, b.messageId);
}

function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
