// The EVENTS consumer's own CPU work for one message, without waiting on its I/O: decode,
// Protocols (blocks, plan, transformations), schema tally, and the serializations its I/O costs
// (the dedupe commit's RPC payload, the outbox row, the identity hand-off). Bundled by esbuild for the bench (bench/sections/plan.mjs).
import { z } from "zod";
import { packEventsIntoMessages, serializeEvent } from "../../src/queues/pack-events";
import type { AcceptedEvent } from "../../src/spec/accepted-event";
import { enforceEvents, noProtocols } from "../../src/pipeline/protocols-stage";
import { decodeEventsMessage } from "../../src/pipeline/events-message";
import { compilePlan } from "../../src/protocols/enforce";
import type { PlanRule } from "../../src/protocols/tracking-plan";
import { observedType } from "../../src/schema/observe";
import { tallyEvents } from "../../src/schema/tally";

// Workers forbid eval, so zod runs jitless there; measure it the same way.
z.config({ jitless: true });

type Json = Record<string, unknown>;

/** JSON Schema of a sample value, as a plan written from the data would have it. */
function schemaOf(value: unknown): Json {
  const type = observedType(value);
  if (type === "object") return { type: "object", properties: Object.fromEntries(Object.entries(value as Json).map(([key, child]) => [key, schemaOf(child)])) };
  if (type === "array") return { type: "array", items: (value as unknown[]).length > 0 ? schemaOf((value as unknown[])[0]) : {} };
  if (type === "date-time") return { type: "string", format: "date-time" };
  if (type === "integer") return { type: "number" }; // the same property may be 3 or 3.5
  return { type };
}

/** A plan that plans every event and property of the samples (required where always sent), plus a common rule. */
export function planFromSamples(samples: readonly Json[]): PlanRule[] {
  const groups = new Map<string, { type: PlanRule["type"]; key: string | null; section: string; fields: Json[] }>();
  for (const event of samples) {
    const [type, key, section] =
      event.type === "track"
        ? (["TRACK", event.event as string, "properties"] as const)
        : event.type === "page"
          ? (["PAGE", (event.name as string) ?? "", "properties"] as const)
          : (["IDENTIFY", null, "traits"] as const);
    const id = `${type}/${key ?? ""}`;
    const group = groups.get(id) ?? { type, key, section, fields: [] };
    group.fields.push((event[section] ?? {}) as Json);
    groups.set(id, group);
  }
  const rules: PlanRule[] = [...groups.values()].map(({ type, key, section, fields }) => {
    const properties: Json = {};
    for (const sample of fields) {
      for (const [name, value] of Object.entries(sample)) if (!(name in properties) && value !== null) properties[name] = schemaOf(value);
    }
    for (const sample of fields) for (const name of Object.keys(sample)) properties[name] ??= {};
    const required = Object.keys(properties).filter((name) => fields.every((sample) => sample[name] !== undefined && sample[name] !== null));
    // A property that is sometimes null is planned with any type.
    for (const name of Object.keys(properties)) if (fields.some((sample) => sample[name] === null)) properties[name] = {};
    return {
      type,
      key,
      version: 1,
      jsonSchema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { [section]: { type: "object", properties, required } } },
    };
  });
  rules.push({ type: "COMMON", key: null, version: 1, jsonSchema: { type: "object", required: ["type", "messageId", "context"] } });
  return rules;
}

export function consumerWork(withPlan: boolean, rules: PlanRule[]): (message: unknown) => { bytes: number; violations: string[] } {
  const plan = compilePlan(rules);
  const sources = new Map([["dev_website", { ...noProtocols(), plan: withPlan ? plan : null, planId: withPlan ? "tp_bench" : null }]]);
  return (message) => {
    const decoded = decodeEventsMessage(message);
    if (!decoded.ok) throw new Error(decoded.reason);
    const enforced = enforceEvents(decoded.events, sources);
    structuredClone(enforced.map(({ event }) => ({ event, owner: "q1", blocked: false }))); // the commit RPC to DedupeObject
    let bytes = 0;
    for (const { event } of enforced) bytes += JSON.stringify(event).length; // the outbox row
    tallyEvents(decoded.events.map((event) => ({ event: event as unknown as Json, sourceId: event.projectId, seenAt: event.receivedAt, blocked: false })));
    packEventsIntoMessages(enforced.map(({ event }) => serializeEvent(event as AcceptedEvent))); // the identity hand-off
    return { bytes, violations: enforced.flatMap(({ violations }) => violations.map((violation) => `${violation.type} ${violation.field}`)) };
  };
}
