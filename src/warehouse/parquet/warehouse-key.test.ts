import { describe, expect, it } from "vitest";
import { partitionDay, warehouseFileKey } from "./warehouse-key";

describe("warehouse file keys", () => {
  it("lay files out Hive-style by source, table and UTC day", () => {
    expect(warehouseFileKey({ sourceSlug: "website", table: "order_completed", day: "2026-03-09", name: "h23-0001" })).toBe(
      "warehouse/website/order_completed/dt=2026-03-09/h23-0001.parquet",
    );
  });

  it("put a row in the UTC day of its timestamp", () => {
    expect(partitionDay("2026-03-10T01:30:00+02:00")).toBe("2026-03-09");
    expect(partitionDay(new Date("2026-03-09T23:59:59.999Z"))).toBe("2026-03-09");
    expect(() => partitionDay("soon")).toThrow('"soon" is not a date');
  });

  it.each([
    [{ sourceSlug: "web/site" }, "source slug"],
    [{ sourceSlug: ".." }, "source slug"],
    [{ table: "dt=2026-03-09" }, "table"],
    [{ table: "" }, "table"],
    [{ name: "../x" }, "file name"],
    [{ day: "2026-02-30" }, "is not a YYYY-MM-DD date"],
    [{ day: "2026-3-9" }, "is not a YYYY-MM-DD date"],
  ])("refuse %o", (override, message) => {
    expect(() => warehouseFileKey({ sourceSlug: "website", table: "tracks", day: "2026-03-09", name: "f", ...override })).toThrow(message);
  });
});
