import { describe, expect, it } from "vitest";
import { applyTransformations, splitPath, transformationInput, type Transformation } from "./transformations";

const rule = (overrides: Partial<Transformation>): Transformation => ({
  id: "t1",
  sourceId: "s",
  eventType: "track",
  eventName: "order_completed",
  newEventName: null,
  renames: [],
  enabled: true,
  ...overrides,
});

describe("applyTransformations", () => {
  it("renames a track event and moves properties in and out of objects", () => {
    const event = { type: "track", event: "order_completed", properties: { orderId: "o1", total: 3, meta: { ref: "x" } } };
    const out = applyTransformations(event, [
      rule({
        newEventName: "Order Completed",
        renames: [
          { from: "orderId", to: "order.id" },
          { from: "meta.ref", to: "referrer" },
        ],
      }),
    ]);
    expect(out).toEqual({ type: "track", event: "Order Completed", properties: { total: 3, meta: {}, order: { id: "o1" }, referrer: "x" } });
    expect(event.properties.orderId).toBe("o1");
  });

  it("renames identify traits, escapes dots, and leaves other events and disabled rules alone", () => {
    const identify = { type: "identify", traits: { "first.name": "Ada" } };
    expect(applyTransformations(identify, [rule({ eventType: "identify", eventName: "", renames: [{ from: "first\\.name", to: "firstName" }] })])).toEqual({
      type: "identify",
      traits: { firstName: "Ada" },
    });
    const other = { type: "track", event: "Other", properties: { a: 1 } };
    expect(applyTransformations(other, [rule({ newEventName: "X" })])).toBe(other);
    const event = { type: "track", event: "order_completed" };
    expect(applyTransformations(event, [rule({ newEventName: "X", enabled: false })])).toBe(event);
  });

  it("refuses paths deeper than four levels and transformations that do nothing", () => {
    expect(splitPath("a.b\\.c.d")).toEqual(["a", "b.c", "d"]);
    const deep = transformationInput.safeParse({ eventType: "track", eventName: "A", renames: [{ from: "a.b.c.d.e", to: "x" }] });
    expect(deep.success).toBe(false);
    expect(transformationInput.safeParse({ eventType: "track", eventName: "A" }).success).toBe(false);
    expect(transformationInput.safeParse({ eventType: "identify", newEventName: "B", renames: [{ from: "a", to: "b" }] }).success).toBe(false);
  });
});
