import { describe, expect, it } from "vitest";
import { admin } from "../support/workerd/admin";
import { waitForArchived } from "../support/workerd/archive";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

const trackRule = (key: string, properties: object, required: string[], version = 1) => ({
  type: "TRACK",
  key,
  version,
  jsonSchema: { $schema: DRAFT_07, type: "object", properties: { properties: { type: "object", properties, required } } },
});

describe("tracking plans through the pipeline", () => {
  it("blocks, omits and reports as Segment's Protocols documents, and archives only what passed", async () => {
    const source = await createSource("Protocols source");
    const plan = await admin<{ trackingPlan: { id: string } }>("POST", "/tracking-plans", {
      name: "Subscriptions",
      rules: [
        // Nested quantifiers: a 27 KB mismatch would backtrack for hours in JavaScript; RE2 answers in linear time.
        trackRule("Subscription Cancelled", { subscription_id: { type: "string", pattern: "^(\\w+\\s?)*$" } }, ["subscription_id"]),
        trackRule("Order Completed", { order_id: { type: "string" } }, ["order_id"], 1),
        trackRule("Order Completed", { order_id: { type: "string" }, subtotal: { type: "integer" } }, ["order_id", "subtotal"], 2),
      ],
    });
    expect(plan.status).toBe(201);
    expect((await admin("PUT", `/sources/${source.id}/tracking-plan`, { trackingPlanId: plan.body.trackingPlan.id })).status).toBe(200);
    const settings = await admin<{ settings: { track: object } }>("PATCH", `/sources/${source.id}/settings`, {
      track: { allowUnplannedEvents: false, allowUnplannedEventProperties: false },
    });
    expect(settings.body.settings.track).toMatchObject({ allowUnplannedEvents: false, allowUnplannedEventProperties: false, allowEventOnViolations: true });

    const ids = { unplanned: unique("m"), omitted: unique("m"), missing: unique("m"), mismatch: unique("m"), v2: unique("m"), v1: unique("m") };
    const hostileId = `${"ab ".repeat(9000)}!`;
    await sendBatch(source.writeKey, [
      { type: "track", event: "subscription_cancelled", userId: "u1", messageId: ids.unplanned },
      {
        type: "track",
        event: "Subscription Cancelled",
        userId: "u1",
        properties: { subscription_id: "23r90jfs9ej", subscription_name: "premium" },
        messageId: ids.omitted,
      },
      { type: "track", event: "Subscription Cancelled", userId: "u1", properties: {}, messageId: ids.missing },
      { type: "track", event: "Subscription Cancelled", userId: "u1", properties: { subscription_id: hostileId }, messageId: ids.mismatch },
      {
        type: "track",
        event: "Order Completed",
        userId: "u1",
        properties: { order_id: "o1", subtotal: 2.5 },
        context: { protocols: { event_version: 2 } },
        messageId: ids.v2,
      },
      { type: "track", event: "Order Completed", userId: "u1", properties: { order_id: "o2" }, messageId: ids.v1 },
    ]);

    const archived = await waitForArchived(source.id, 5);
    const byId = new Map(
      archived.map(({ event }) => [event.messageId, event as unknown as Record<string, unknown> & { context: { protocols?: Record<string, unknown> } }]),
    );
    expect(byId.has(ids.unplanned)).toBe(false);
    expect(byId.size).toBe(5);
    expect(byId.get(ids.omitted)!.properties).toEqual({ subscription_id: "23r90jfs9ej" });
    expect(byId.get(ids.omitted)!.context.protocols).toEqual({ omitted: ["subscription_name"], sourceId: source.id });
    expect(byId.get(ids.missing)!.context.protocols?.violations).toEqual([
      { type: "Required", field: "properties.subscription_id", description: "properties.subscription_id is required" },
    ]);
    expect(byId.get(ids.mismatch)!.context.protocols?.violations).toEqual([
      { type: "Invalid Value", field: "properties.subscription_id", description: "Does not match pattern '^(\\w+\\s?)*$'" },
    ]);
    expect(byId.get(ids.v2)!.context.protocols).toEqual({
      event_version: 2,
      sourceId: source.id,
      violations: [{ type: "Invalid Type", field: "properties.subtotal", description: "Invalid type. Expected: integer, given: number" }],
    });
    expect(byId.get(ids.v1)!.context.protocols).toBeUndefined();

    const violations = await waitUntil(
      "5 violations on the source",
      () => admin<{ violations: { eventName: string; type: string; field: string; count: number }[] }>("GET", `/sources/${source.id}/violations`),
      (answer) => answer.body.violations.length >= 5,
    );
    expect(violations.body.violations.map(({ eventName, type, field, count }) => ({ eventName, type, field, count }))).toEqual(
      expect.arrayContaining([
        { eventName: "subscription_cancelled", type: "Unplanned Event", field: "event", count: 1 },
        { eventName: "Subscription Cancelled", type: "Unplanned Property", field: "properties.subscription_name", count: 1 },
        { eventName: "Subscription Cancelled", type: "Required", field: "properties.subscription_id", count: 1 },
        { eventName: "Subscription Cancelled", type: "Invalid Value", field: "properties.subscription_id", count: 1 },
        { eventName: "Order Completed", type: "Invalid Type", field: "properties.subtotal", count: 1 },
      ]),
    );
    const schema = await admin<{ events: { name: string; total: number; blocked: number }[] }>("GET", `/sources/${source.id}/schema`);
    expect(schema.body.events.find((event) => event.name === "subscription_cancelled")).toMatchObject({ total: 1, blocked: 1 });
  });
});

describe("forwarding violations and blocked events", () => {
  it("sends Violation Generated calls and blocked events to the sources the settings name; their plans do not apply again", async () => {
    const [source, violationsSink, blockedSink] = await Promise.all([createSource("Acme Store (test)"), createSource("Violations"), createSource("Blocked")]);
    const plan = await admin<{ trackingPlan: { id: string } }>("POST", "/tracking-plans", {
      name: "Acme Ecommerce TP",
      rules: [trackRule("Order Completed", { products: { type: "array" } }, ["products"])],
    });
    await admin("PUT", `/sources/${source.id}/tracking-plan`, { trackingPlanId: plan.body.trackingPlan.id });
    // The sink's own plan would block everything it gets, if it applied to forwarded events.
    await admin("PUT", `/sources/${violationsSink.id}/tracking-plan`, { trackingPlanId: plan.body.trackingPlan.id });
    await admin("PATCH", `/sources/${violationsSink.id}/settings`, { track: { allowUnplannedEvents: false } });
    await admin("PATCH", `/sources/${source.id}/settings`, {
      track: { allowUnplannedEvents: false },
      forwardingViolationsTo: violationsSink.id,
      forwardingBlockedEventsTo: blockedSink.id,
    });

    const [violating, unplanned] = [unique("m"), unique("m")];
    await sendBatch(source.writeKey, [
      { type: "track", event: "Order Completed", userId: "u1", properties: {}, messageId: violating },
      { type: "track", event: "Surprise", userId: "u1", properties: { a: 1 }, messageId: unplanned },
    ]);

    const [violation] = await waitForArchived(violationsSink.id, 1);
    expect(violation!.event).toMatchObject({
      type: "track",
      event: "Violation Generated",
      userId: "schema-violations",
      messageId: `sch-${violating}-0`,
      forwardedFromProject: source.id,
      properties: {
        eventMessageID: violating,
        eventName: "Order Completed",
        eventType: "track",
        sourceID: source.id,
        sourceName: "Acme Store (test)",
        sourceSlug: "acme_store_test",
        trackingPlanID: plan.body.trackingPlan.id,
        trackingPlanName: "Acme Ecommerce TP",
        appVersion: "",
        violationType: "Required",
        violationField: "properties.products",
        violationDescription: "properties.products is required",
      },
    });
    const [blocked] = await waitForArchived(blockedSink.id, 1);
    expect(blocked!.event).toMatchObject({ event: "Surprise", properties: { a: 1 }, messageId: `blocked-${unplanned}`, forwardedFromProject: source.id });
    const origin = await waitForArchived(source.id, 1);
    expect(origin.map(({ event }) => event.messageId)).toEqual([violating]);
  });
});

describe("transformations through the pipeline", () => {
  it("renames a track event and its properties before the archive, after the plan judged it", async () => {
    const source = await createSource("Transformed source");
    const created = await admin<{ transformation: { id: string } }>("POST", `/sources/${source.id}/transformations`, {
      eventType: "track",
      eventName: "order_completed",
      newEventName: "Order Completed",
      renames: [{ from: "orderId", to: "order.id" }],
    });
    expect(created.status).toBe(201);
    const again = await admin<{ error: string }>("POST", `/sources/${source.id}/transformations`, {
      eventType: "track",
      eventName: "order_completed",
      newEventName: "X",
    });
    expect(again.status).toBe(409);

    const id = unique("m");
    await sendBatch(source.writeKey, [{ type: "track", event: "order_completed", userId: "u1", properties: { orderId: "o1", total: 5 }, messageId: id }]);
    const [archived] = await waitForArchived(source.id, 1);
    expect(archived!.event).toMatchObject({ event: "Order Completed", properties: { order: { id: "o1" }, total: 5 } });
    // The schema shows the event as it was sent: that is what engineers fix at the source.
    const schema = await waitUntil(
      "the event in the source's schema",
      () => admin<{ events: { name: string }[] }>("GET", `/sources/${source.id}/schema`),
      (answer) => answer.body.events.length === 1,
    );
    expect(schema.body.events[0]!.name).toBe("order_completed");
  });
});

describe("tracking plans admin API", () => {
  it("refuses patterns RE2 cannot run, keeps a changelog, and will not delete a plan a source uses", async () => {
    const unsupported = await admin<{ error: string }>("POST", "/tracking-plans", {
      name: "Unsupported",
      rules: [trackRule("Signed Up", { code: { type: "string", pattern: "^(a)\\1$" }, ref: { type: "string", pattern: "^(?=x)" } }, [])],
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe(
      'rules.0.jsonSchema.properties.properties.properties.code.pattern: the pattern "^(a)\\\\1$" uses a backreference (`\\1`), ' +
        "which linear-time matching cannot run; match the value without it. " +
        'rules.0.jsonSchema.properties.properties.properties.ref.pattern: the pattern "^(?=x)" uses a lookahead (`(?=`), which linear-time matching cannot run.',
    );

    const created = await admin<{ trackingPlan: { id: string } }>("POST", "/tracking-plans", { name: "Plan", rules: [trackRule("A", {}, [])] });
    const id = created.body.trackingPlan.id;
    await admin("PATCH", `/tracking-plans/${id}`, { rules: [trackRule("A", { x: {} }, []), trackRule("B", {}, [])] });
    const changes = await admin<{ changes: { action: string; detail: Record<string, unknown> }[] }>("GET", `/tracking-plans/${id}/changes`);
    expect(changes.body.changes.map((change) => change.action)).toEqual(["created", "updated"]);
    expect(changes.body.changes[1]!.detail).toEqual({ added: ['TRACK "B" v1'], removed: [], changed: ['TRACK "A" v1'] });

    const source = await createSource("Plan user");
    await admin("PUT", `/sources/${source.id}/tracking-plan`, { trackingPlanId: id });
    expect((await admin("DELETE", `/tracking-plans/${id}`)).status).toBe(409);
    await admin("PUT", `/sources/${source.id}/tracking-plan`, { trackingPlanId: null });
    expect((await admin("DELETE", `/tracking-plans/${id}`)).status).toBe(200);
    expect((await admin("GET", `/tracking-plans/${id}`)).status).toBe(404);
  });
});
