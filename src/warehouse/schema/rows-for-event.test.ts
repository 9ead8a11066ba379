import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import type { WarehouseRow } from "../parquet/types";
import { coerceRowToColumns } from "./coerce";
import { inferTableColumns } from "./infer-columns";
import { isValidWarehouseName } from "./naming";
import { rowsForEvent } from "./rows-for-event";

const uuidTs = new Date("2024-06-01T00:00:00.000Z");

const json = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "userId", "fooBar", "foo_bar", "1", "timestamp")),
  fc.jsonValue({ maxDepth: 3 }),
  {
    maxKeys: 6,
  },
);

const event: fc.Arbitrary<AcceptedEvent> = fc
  .record({
    type: fc.constantFrom("track", "page", "screen", "identify", "group", "alias"),
    event: fc.oneof(fc.string(), fc.constantFrom("Order Completed", "tracks", "Users", "🎉")),
    name: fc.string(),
    messageId: fc.string({ minLength: 1 }),
    receivedAt: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((date) => date.toISOString()),
    timestamp: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((date) => date.toISOString()),
    userId: fc.option(fc.string(), { nil: undefined }),
    anonymousId: fc.option(fc.string(), { nil: undefined }),
    groupId: fc.string(),
    previousId: fc.string(),
    properties: json,
    traits: json,
    context: json,
  })
  .map((fields) => ({ ...fields, projectId: "src" }));

describe("rowsForEvent", () => {
  it("writes a track to tracks and to its event table, and nothing for a call kept out of warehouses", () => {
    const track = {
      type: "track",
      event: "Order Completed",
      properties: { total: 30 },
      messageId: "m",
      receivedAt: "2024-05-01T00:00:00.000Z",
      timestamp: "2024-05-01T00:00:00.000Z",
      projectId: "s",
      userId: "u",
      context: {},
    } as AcceptedEvent;
    expect(rowsForEvent(track, { uuidTs }).map(({ table }) => table)).toEqual(["tracks", "order_completed"]);
    expect(rowsForEvent(track, { uuidTs, selectiveSync: { excludedEvents: ["order_completed"] } }).map(({ table }) => table)).toEqual(["tracks"]);
    expect(rowsForEvent({ ...track, integrations: { Warehouses: { all: false } } }, { uuidTs })).toEqual([]);
  });

  it("names every table and column as a valid lower-case identifier within the limit", () => {
    fc.assert(
      fc.property(event, (input) => {
        for (const { table, row } of rowsForEvent(input, { uuidTs })) {
          expect(isValidWarehouseName(table)).toBe(true);
          for (const column of Object.keys(row)) expect(isValidWarehouseName(column)).toBe(true);
        }
      }),
    );
  });

  it("gives the same rows for the same event and time", () => {
    fc.assert(
      fc.property(event, (input) => {
        const copy = structuredClone(input); // not a JSON round trip, which turns -0 into 0
        const plain = (e: AcceptedEvent) => rowsForEvent(e, { uuidTs }).map(({ table, row }) => ({ table, row: { ...row } }));
        expect(plain(copy)).toEqual(plain(input));
      }),
    );
  });

  it("never leaves a column outside its table's schema once rows are typed", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 6 }), (events) => {
        const byTable = new Map<string, WarehouseRow[]>();
        for (const { table, row } of events.flatMap((input) => rowsForEvent(input, { uuidTs }))) byTable.set(table, [...(byTable.get(table) ?? []), row]);
        for (const rows of byTable.values()) {
          const columns = inferTableColumns(undefined, rows);
          const names = new Set(columns.map((column) => column.name));
          expect(names.size).toBe(columns.length);
          for (const row of rows) {
            for (const name of Object.keys(row)) expect(names.has(name)).toBe(true);
            expect(Object.keys(coerceRowToColumns(row, columns)).sort()).toEqual([...names].sort());
          }
        }
      }),
    );
  });
});
