import { Analytics } from "@segment/analytics-node";
import { describe, expect, it } from "vitest";
import { adminFetch, baseUrl, createSource, uniqueId, waitForMessages, waitUntil } from "./support/sluice";

/**
 * Schema discovery and a tracking plan on `npm run dev`, driven by `@segment/analytics-node`:
 * the plan blocks, omits and records violations in what reaches the archive, and the schema
 * shows what the source sent.
 */
async function adminJson<T>(method: string, path: string, body?: object): Promise<T> {
  const response = await adminFetch(path, { method, headers: { "Content-Type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

describe("Protocols on wrangler dev", () => {
  it("applies a tracking plan to analytics-node's calls and shows the source's schema", async () => {
    const source = await createSource(`protocols ${uniqueId("e2e")}`);
    const { trackingPlan } = await adminJson<{ trackingPlan: { id: string } }>("POST", "/api/v1/tracking-plans", {
      name: "Checkout",
      rules: [
        {
          type: "TRACK",
          key: "Order Completed",
          version: 1,
          jsonSchema: {
            type: "object",
            properties: { properties: { type: "object", properties: { revenue: { type: "number" }, order_id: { type: "string" } }, required: ["order_id"] } },
          },
        },
      ],
    });
    await adminJson("PUT", `/api/v1/sources/${source.id}/tracking-plan`, { trackingPlanId: trackingPlan.id });
    await adminJson("PATCH", `/api/v1/sources/${source.id}/settings`, { track: { allowUnplannedEvents: false, allowUnplannedEventProperties: false } });

    const analytics = new Analytics({ writeKey: source.writeKey, host: baseUrl(), flushAt: 10, flushInterval: 100 });
    const ids = { planned: uniqueId("m"), invalid: uniqueId("m"), unplanned: uniqueId("m") };
    analytics.track({ userId: "u1", event: "Order Completed", properties: { order_id: "o1", revenue: 30, note: "gift" }, messageId: ids.planned });
    analytics.track({ userId: "u1", event: "Order Completed", properties: { revenue: "30" }, messageId: ids.invalid });
    analytics.track({ userId: "u1", event: "Coupon Entered", properties: { code: "X" }, messageId: ids.unplanned });
    await analytics.closeAndFlush();

    const archived = await waitForMessages(source.id, [ids.planned, ids.invalid], 15_000);
    expect(archived.get(ids.planned)!.properties).toEqual({ order_id: "o1", revenue: 30 });
    expect((archived.get(ids.planned)!.context as { protocols: object }).protocols).toEqual({ omitted: ["note"], sourceId: source.id });
    expect((archived.get(ids.invalid)!.context as { protocols: { violations: object[] } }).protocols.violations).toEqual([
      { type: "Required", field: "properties.order_id", description: "properties.order_id is required" },
      { type: "Invalid Type", field: "properties.revenue", description: "Invalid type. Expected: number, given: string" },
    ]);

    const schema = await waitUntil(
      "2 events in the source's schema",
      () => adminJson<{ events: { name: string; total: number; blocked: number }[] }>("GET", `/api/v1/sources/${source.id}/schema`),
      (answer) => answer.events.length === 2,
    );
    expect(schema.events.find((event) => event.name === "Coupon Entered")).toMatchObject({ total: 1, blocked: 1 });
    expect(schema.events.find((event) => event.name === "Order Completed")).toMatchObject({ total: 2, blocked: 0 });
    const { violations } = await adminJson<{ violations: { type: string; field: string }[] }>("GET", `/api/v1/sources/${source.id}/violations`);
    expect(violations.map((violation) => `${violation.type} ${violation.field}`).sort()).toEqual(
      ["Invalid Type properties.revenue", "Required properties.order_id", "Unplanned Event event", "Unplanned Property properties.note"].sort(),
    );
  });
});
