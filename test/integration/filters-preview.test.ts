import { describe, expect, it } from "vitest";
import { admin } from "../support/workerd/admin";

type Preview = { matched: boolean; event: Record<string, unknown> | null };
type Refusal = { success: false; error: string; field?: string };

const order = {
  type: "track",
  event: "Order Completed",
  userId: "u1",
  properties: { plan: "trial-7", total: 30, email: "a@example.com" },
  context: { ip: "203.0.113.9" },
};

describe("POST /api/v1/filters/preview", () => {
  it("answers whether the condition holds and the event the actions leave", async () => {
    const dropped = await admin<Preview>("POST", "/filters/preview", { if: "event = 'Order Completed'", actions: [{ type: "DROP" }], event: order });
    expect(dropped).toEqual({ status: 200, body: { matched: true, event: null } });

    const kept = await admin<Preview>("POST", "/filters/preview", { if: "event = 'Signed Up'", actions: [{ type: "DROP" }], event: order });
    expect(kept.body).toEqual({ matched: false, event: order });

    const trimmed = await admin<Preview>("POST", "/filters/preview", {
      if: "match(properties.plan, 'trial*')",
      actions: [{ type: "DROP_PROPERTIES", fields: { properties: ["email"], context: ["ip"] } }],
      event: order,
    });
    expect(trimmed.body.matched).toBe(true);
    expect(trimmed.body.event).toEqual({ ...order, properties: { plan: "trial-7", total: 30 }, context: {} });

    const all = await admin<Preview>("POST", "/filters/preview", { if: "all", event: order });
    expect(all.body).toEqual({ matched: true, event: order });
  });

  it("evaluates as Segment does: a function on another type is false, not an error that drops the event", async () => {
    const numericPlan = { ...order, properties: { plan: 7 } };
    const answer = await admin<Preview>("POST", "/filters/preview", {
      if: "match(properties.plan, 'trial*')",
      actions: [{ type: "DROP" }],
      event: numericPlan,
    });
    expect(answer.body).toEqual({ matched: false, event: numericPlan });
  });

  it("drops an event its condition cannot evaluate, as live delivery does (fail-closed)", async () => {
    // `in` needs a list: against a number Segment cannot infer the intent and drops the event.
    const answer = await admin<Preview>("POST", "/filters/preview", { if: "event in properties.total", actions: [{ type: "DROP" }], event: order });
    expect(answer.body).toEqual({ matched: false, event: null });
  });

  it("refuses an unparsable condition and a missing event, naming the field", async () => {
    const unparsable = await admin<Refusal>("POST", "/filters/preview", { if: "event = ", event: order });
    expect(unparsable.status).toBe(400);
    expect(unparsable.body.field).toBe("if");
    expect(unparsable.body.error).toMatch(/^if: /);

    const noEvent = await admin<Refusal>("POST", "/filters/preview", { if: "all" });
    expect(noEvent.status).toBe(400);
    expect(noEvent.body.field).toBe("event");

    const badAction = await admin<Refusal>("POST", "/filters/preview", { if: "all", actions: [{ type: "EXPLODE" }], event: order });
    expect(badAction.status).toBe(400);
    expect(badAction.body.field).toMatch(/^actions\.0/);
  });
});
