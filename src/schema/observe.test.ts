import { describe, expect, it } from "vitest";
import { MAX_PATHS_PER_EVENT, observeEvent, observedType } from "./observe";

const paths = (event: Record<string, unknown>) =>
  Object.fromEntries([...(observeEvent(event)?.paths ?? new Map<string, Set<string>>())].map(([path, types]) => [path, [...types]]));

describe("observeEvent", () => {
  it("names schema events as Segment's Schema tab does", () => {
    expect(observeEvent({ type: "track", event: "Order Completed" })).toMatchObject({ type: "track", name: "Order Completed" });
    expect(observeEvent({ type: "page", name: "Home" })).toMatchObject({ type: "track", name: "Page Viewed" });
    expect(observeEvent({ type: "screen", name: "Cart" })).toMatchObject({ type: "track", name: "Screen Viewed" });
    expect(observeEvent({ type: "identify", traits: { plan: "pro" } })).toMatchObject({ type: "identify", name: "" });
    expect(observeEvent({ type: "group", traits: { seats: 3 } })).toMatchObject({ type: "group", name: "" });
    expect(observeEvent({ type: "alias", previousId: "a" })).toBeUndefined();
  });

  it("dots nested objects, marks array items with .$ and tells integers, numbers and date-times apart", () => {
    const event = {
      type: "track",
      event: "Order Completed",
      properties: {
        total: 12.5,
        quantity: 2,
        coupon: null,
        paid: true,
        at: "2026-03-01T10:00:00.000Z",
        note: "2026 was good",
        address: { city: "Paris", geo: { lat: 48.85 } },
        products: [
          { sku: "A", price: 3 },
          { sku: "B", price: 3.5 },
        ],
        tags: ["x", 1],
      },
    };
    expect(paths(event)).toEqual({
      total: ["number"],
      quantity: ["integer"],
      coupon: ["null"],
      paid: ["boolean"],
      at: ["date-time"],
      note: ["string"],
      address: ["object"],
      "address.city": ["string"],
      "address.geo": ["object"],
      "address.geo.lat": ["number"],
      products: ["array"],
      "products.$": ["object"],
      "products.$.sku": ["string"],
      "products.$.price": ["integer", "number"],
      tags: ["array"],
      "tags.$": ["string", "integer"],
    });
  });

  it("shows a page or screen call's name as its name property", () => {
    expect(paths({ type: "page", name: "Home", properties: { path: "/" } })).toEqual({ name: ["string"], path: ["string"] });
    expect(paths({ type: "screen", properties: { name: "Cart" } })).toEqual({ name: ["string"] });
  });

  it("reads identify traits from context.traits when the call has none at the top level", () => {
    expect(paths({ type: "identify", context: { traits: { email: "a@b.c" } } })).toEqual({ email: ["string"] });
  });

  it("records at most 300 paths per event and says it stopped", () => {
    const properties = Object.fromEntries(Array.from({ length: 350 }, (_, i) => [`p${i}`, i]));
    const observed = observeEvent({ type: "track", event: "Wide", properties })!;
    expect(observed.paths.size).toBe(MAX_PATHS_PER_EVENT);
    expect(observed.truncated).toBe(true);
  });

  it("types values as JSON Schema names them", () => {
    expect(observedType(1)).toBe("integer");
    expect(observedType(1.5)).toBe("number");
    expect(observedType("2026-13-45T99:00:00Z")).toBe("string");
    expect(observedType([])).toBe("array");
  });
});
