import { describe, expect, it } from "vitest";
import { applyFilterActions, filterActionSchema } from "./actions";

const event = () => ({
  type: "track",
  userId: "u1",
  messageId: "m1",
  properties: {
    email: "a@b.c",
    plan: "pro",
    products: [
      { sku: "A", price: 3 },
      { sku: "B", price: 4 },
    ],
  },
});

describe("applyFilterActions", () => {
  it("drops the event", async () => {
    expect(await applyFilterActions(event(), [{ type: "DROP" }])).toBeNull();
  });

  it("drops top-level fields, properties, and a property of every object in an array (Segment's examples)", async () => {
    const out = await applyFilterActions(event(), [
      { type: "DROP_PROPERTIES", fields: { "": ["userId"], properties: ["email"], "properties.products": ["price"] } },
    ]);
    expect(out).toEqual({ type: "track", messageId: "m1", properties: { plan: "pro", products: [{ sku: "A" }, { sku: "B" }] } });
  });

  it("keeps only the allowed properties, without touching the input", async () => {
    const input = event();
    const out = await applyFilterActions(input, [{ type: "ALLOW_PROPERTIES", fields: { properties: ["plan"] } }]);
    expect(out!.properties).toEqual({ plan: "pro" });
    expect(input.properties.email).toBe("a@b.c");
  });

  it("samples deterministically by a path, so one user's events are kept or dropped together", async () => {
    const kept = async (userId: string) =>
      (await applyFilterActions({ ...event(), userId, messageId: crypto.randomUUID() }, [{ type: "SAMPLE", percent: 0.3, path: "userId" }])) !== null;
    const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const first = await Promise.all(users.map(kept));
    const second = await Promise.all(users.map(kept));
    expect(second).toEqual(first);
    const share = first.filter(Boolean).length / users.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.38);
    expect(await applyFilterActions(event(), [{ type: "SAMPLE", percent: 0 }])).toBeNull();
    expect(await applyFilterActions(event(), [{ type: "SAMPLE", percent: 1 }])).not.toBeNull();
  });

  it("refuses malformed actions with a message saying what is allowed", () => {
    expect(filterActionSchema.safeParse({ type: "SAMPLE", percent: 30 }).success).toBe(false);
    const unknown = filterActionSchema.safeParse({ type: "REDACT" });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toMatch(/DROP, DROP_PROPERTIES, ALLOW_PROPERTIES or SAMPLE/);
  });
});
