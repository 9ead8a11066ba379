import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import type { TableRow } from "./event-tables";
import { applySelectiveSync, isSentToWarehouse } from "./selective-sync";

const rows: TableRow[] = [
  { table: "tracks", row: { id: "m", event: "order_completed", revenue: 1 } },
  { table: "order_completed", row: { id: "m", event: "order_completed", revenue: 1, coupon: "X" } },
];

const withIntegrations = (integrations?: Record<string, unknown>) =>
  ({ type: "track", event: "E", messageId: "m", receivedAt: "", timestamp: "", projectId: "s", context: {}, integrations }) as AcceptedEvent;

describe("applySelectiveSync", () => {
  it("drops a disabled event table but keeps the call's tracks row", () => {
    expect(applySelectiveSync(rows, { excludedEvents: ["order_completed"] }).map((r) => r.table)).toEqual(["tracks"]);
    expect(applySelectiveSync(rows, { excludedEvents: ["tracks"] }).map((r) => r.table)).toEqual(["order_completed"]);
  });

  it("drops disabled columns of the named table only, without changing its input", () => {
    const out = applySelectiveSync(rows, { excludedProperties: { order_completed: ["coupon", "revenue"] } });
    expect(out.map(({ table, row }) => ({ table, row: { ...row } }))).toEqual([
      { table: "tracks", row: { id: "m", event: "order_completed", revenue: 1 } },
      { table: "order_completed", row: { id: "m", event: "order_completed" } },
    ]);
    expect(rows[1]?.row.coupon).toBe("X");
  });

  it("treats an event table called constructor as data, not as Object's property", () => {
    const constructorRows: TableRow[] = [{ table: "constructor", row: { id: "m", revenue: 1 } }];
    expect(applySelectiveSync(constructorRows, { excludedProperties: {} })).toEqual(constructorRows);
  });
});

describe("isSentToWarehouse", () => {
  it("follows the Integrations object as the docs' examples do", () => {
    expect(isSentToWarehouse(withIntegrations())).toBe(true);
    expect(isSentToWarehouse(withIntegrations({ All: true, Warehouses: { all: false } }))).toBe(false);
    expect(isSentToWarehouse(withIntegrations({ All: false, Warehouses: { all: true } }))).toBe(true);
    expect(isSentToWarehouse(withIntegrations({ All: false, Warehouses: { warehouseIds: ["w1"] } }))).toBe(true);
    expect(isSentToWarehouse(withIntegrations({ All: false }))).toBe(false);
    expect(isSentToWarehouse(withIntegrations({ Mixpanel: false }))).toBe(true);
  });
});
