import { describe, expect, it } from "vitest";
import { compilePlan, enforcePlan } from "./enforce";
import { applySettingsPatch, DEFAULT_SCHEMA_SETTINGS, schemaSettingsPatch, type SchemaSettingsPatch } from "./schema-settings";
import type { PlanRule } from "./tracking-plan";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** A TRACK rule whose properties are `properties` (JSON Schema), `required` as listed. */
function trackRule(key: string, properties: Record<string, object>, required: string[] = [], version = 1): PlanRule {
  return {
    type: "TRACK",
    key,
    version,
    jsonSchema: { $schema: DRAFT_07, type: "object", properties: { properties: { type: "object", properties, required } } },
  };
}

const subscriptionCancelled = trackRule("Subscription Cancelled", { subscription_id: { type: "string" } }, ["subscription_id"]);
const settings = (patch: SchemaSettingsPatch = {}) => applySettingsPatch(DEFAULT_SCHEMA_SETTINGS, patch);
const track = (event: string, properties: object, context: object = {}) => ({ type: "track", event, properties, context, messageId: "m1" });

describe("enforcePlan: Segment's documented cases", () => {
  it("blocks `subscription_cancelled` when `Subscription Cancelled` is planned and unplanned events are blocked (names are case-sensitive)", () => {
    const plan = compilePlan([subscriptionCancelled]);
    const result = enforcePlan(track("subscription_cancelled", {}), plan, settings({ track: { allowUnplannedEvents: false } }), "src1");
    expect(result.blocked).toBe("Unplanned Event");
    expect(result.violations).toEqual([expect.objectContaining({ type: "Unplanned Event", field: "event" })]);

    const allowed = enforcePlan(track("subscription_cancelled", {}), plan, settings(), "src1");
    expect(allowed.blocked).toBeNull();
  });

  it("omits the unplanned `subscription_name` and lists it in context.protocols.omitted", () => {
    const plan = compilePlan([subscriptionCancelled]);
    const result = enforcePlan(
      track("Subscription Cancelled", { subscription_id: "23r90jfs9ej", subscription_name: "premium" }),
      plan,
      settings({ track: { allowUnplannedEventProperties: false } }),
      "src1",
    );
    expect(result.blocked).toBeNull();
    expect(result.event.properties).toEqual({ subscription_id: "23r90jfs9ej" });
    expect(result.event.context).toEqual({ protocols: { omitted: ["subscription_name"], sourceId: "src1" } });
  });

  it("reports a missing required `subscription_id` as a Required violation, and blocks the event when violations block", () => {
    const plan = compilePlan([subscriptionCancelled]);
    const allowed = enforcePlan(track("Subscription Cancelled", { customer_type: "enterprise" }), plan, settings(), "src1");
    expect(allowed.blocked).toBeNull();
    expect((allowed.event.context as { protocols: { violations: unknown[] } }).protocols.violations).toEqual([
      { type: "Required", field: "properties.subscription_id", description: "properties.subscription_id is required" },
    ]);
    const blocked = enforcePlan(
      track("Subscription Cancelled", { customer_type: "enterprise" }),
      plan,
      settings({ track: { allowEventOnViolations: false } }),
      "src1",
    );
    expect(blocked.blocked).toBe("Violations");
  });

  it("words type errors as Segment does and omits the offending properties when asked", () => {
    const plan = compilePlan([trackRule("Order Completed", { integer: { type: "integer" }, string: { type: "string" }, total: { type: "number" } })]);
    const result = enforcePlan(
      track("Order Completed", { integer: 1.5, string: 7, total: 10, newProperty: true }),
      plan,
      settings({ track: { allowPropertiesOnViolations: false, allowUnplannedEventProperties: false } }),
      "1234",
    );
    // Segment's FAQ payload, field for field.
    expect(result.event.context).toEqual({
      protocols: {
        omitted: ["newProperty"],
        omitted_on_violation: ["integer", "string"],
        sourceId: "1234",
        violations: [
          { type: "Invalid Type", field: "properties.integer", description: "Invalid type. Expected: integer, given: number" },
          { type: "Invalid Type", field: "properties.string", description: "Invalid type. Expected: string, given: integer" },
        ],
      },
    });
    expect(result.event.properties).toEqual({ total: 10 });
  });

  it("validates against the version the event names, and against the oldest when it names none or an invalid one", () => {
    const v1 = trackRule("Order Completed", { order_id: { type: "string" } }, ["order_id"], 1);
    const v2 = trackRule("Order Completed", { order_id: { type: "string" }, subtotal: { type: "number" } }, ["order_id", "subtotal"], 2);
    const plan = compilePlan([v2, v1]);
    const violationsOf = (context: object) =>
      enforcePlan(track("Order Completed", { order_id: "o1" }, context), plan, settings(), "s").violations.map((violation) => violation.field);
    expect(violationsOf({ protocols: { event_version: 2 } })).toEqual(["properties.subtotal"]);
    expect(violationsOf({})).toEqual([]);
    expect(violationsOf({ protocols: { event_version: 3.2 } })).toEqual([]);
    expect(violationsOf({ protocols: { event_version: 7 } })).toEqual([]);
  });
});

describe("enforcePlan: values, traits and the common schema", () => {
  it("reports enum, pattern and range failures as Invalid Value", () => {
    const plan = compilePlan([
      trackRule("Signed Up", { plan: { enum: ["free", "pro"] }, code: { type: "string", pattern: "^[A-Z]{3}$" }, seats: { type: "integer", minimum: 1 } }),
    ]);
    const { violations } = enforcePlan(track("Signed Up", { plan: "gold", code: "ab", seats: 0 }), plan, settings(), "s");
    expect(violations).toEqual([
      { type: "Invalid Value", field: "properties.plan", description: 'properties.plan must be one of the following: "free", "pro"' },
      { type: "Invalid Value", field: "properties.code", description: "Does not match pattern '^[A-Z]{3}$'" },
      { type: "Invalid Value", field: "properties.seats", description: "Must be greater than or equal to 1" },
    ]);
  });

  it("omits unplanned identify traits (Segment's `first_name` example)", () => {
    const identifyRule: PlanRule = {
      type: "IDENTIFY",
      key: null,
      version: 1,
      jsonSchema: { type: "object", properties: { traits: { type: "object", properties: { name: {}, email: {}, join_date: {} } } } },
    };
    const result = enforcePlan(
      { type: "identify", userId: "fe923fjid", traits: { email: "roger@example.com", first_name: "Roger" }, context: {} },
      compilePlan([identifyRule]),
      settings({ identify: { allowUnplannedTraits: false } }),
      "s",
    );
    expect(result.event.traits).toEqual({ email: "roger@example.com" });
    expect((result.event.context as { protocols: { omitted: string[] } }).protocols.omitted).toEqual(["first_name"]);
  });

  it("applies the common schema to every call, after the standard controls, as commonEventOnViolations says", () => {
    const common: PlanRule = { type: "COMMON", key: null, version: 1, jsonSchema: { type: "object", required: ["userId"] } };
    const plan = compilePlan([common]);
    const page = { type: "page", name: "Home", anonymousId: "a", properties: {}, context: {} };
    const allowed = enforcePlan(page, plan, settings(), "s");
    expect(allowed.blocked).toBeNull();
    expect(allowed.violations).toEqual([{ type: "Required", field: "userId", description: "userId is required" }]);
    const identify = { type: "identify", anonymousId: "a", traits: {}, context: {} };
    // Segment's own example spells the value "Block": settings are parsed case-insensitively.
    const blocking = schemaSettingsPatch.parse({ identify: { commonEventOnViolations: "Block" } });
    expect(enforcePlan(identify, plan, settings(blocking), "s").blocked).toBe("Common Schema Violations");
  });

  it("leaves events alone when nothing is planned for them and nothing is wrong", () => {
    const plan = compilePlan([subscriptionCancelled]);
    const event = { type: "alias", userId: "u", previousId: "a", context: {} };
    expect(enforcePlan(event, plan, settings(), "s")).toEqual({ event, blocked: null, violations: [] });
  });
});
