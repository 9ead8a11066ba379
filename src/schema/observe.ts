import { isPlainObject } from "../spec/validate-event";

/**
 * What the Schema tab records of one event: which schema event it is (Segment's naming: page and
 * screen calls are the track events `Page Viewed` and `Screen Viewed`; identify and group are
 * keyed by their traits) and the type of every property or trait path. Nested objects are dotted
 * (`address.city`), array items get a `.$` segment (`products.$.price`), as Segment shows them.
 */

export type SchemaEventType = "track" | "identify" | "group";
export type ObservedType = "string" | "date-time" | "integer" | "number" | "boolean" | "object" | "array" | "null";

/** Segment's Schema limit: "the first 300 properties"; this caps one event's paths the same way. */
export const MAX_PATHS_PER_EVENT = 300;

export interface ObservedEvent {
  type: SchemaEventType;
  /** Track event name; `Page Viewed`/`Screen Viewed`; empty for identify and group. */
  name: string;
  /** Path → types seen in this event, in the order met. */
  paths: Map<string, Set<ObservedType>>;
  /** More than MAX_PATHS_PER_EVENT paths: the rest were not recorded (the event still flows). */
  truncated: boolean;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function observedType(value: unknown): ObservedType {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? "date-time" : "string";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    case "boolean":
      return "boolean";
    case "object":
      return "object";
    default:
      return "string";
  }
}

/** The schema event an event counts as; undefined for calls the Schema tab does not show (alias). */
export function schemaEventOf(event: Record<string, unknown>): { type: SchemaEventType; name: string; fields: unknown } | undefined {
  switch (event.type) {
    case "track":
      return typeof event.event === "string" ? { type: "track", name: event.event, fields: event.properties } : undefined;
    case "page":
      return { type: "track", name: "Page Viewed", fields: withName(event) };
    case "screen":
      return { type: "track", name: "Screen Viewed", fields: withName(event) };
    case "identify":
      return { type: "identify", name: "", fields: event.traits ?? (event.context as Record<string, unknown> | undefined)?.traits };
    case "group":
      return { type: "group", name: "", fields: event.traits };
    default:
      return undefined;
  }
}

/** A page or screen call's name shows as its `name` property, as analytics.js also sends it. */
function withName(event: Record<string, unknown>): unknown {
  if (typeof event.name !== "string" || (isPlainObject(event.properties) && "name" in event.properties)) return event.properties;
  return { name: event.name, ...(isPlainObject(event.properties) ? event.properties : {}) };
}

export function observeEvent(event: Record<string, unknown>): ObservedEvent | undefined {
  const found = schemaEventOf(event);
  if (!found) return undefined;
  const observed: ObservedEvent = { type: found.type, name: found.name, paths: new Map(), truncated: false };
  if (isPlainObject(found.fields)) walk(found.fields, "", observed);
  return observed;
}

function walk(object: Record<string, unknown>, prefix: string, observed: ObservedEvent): void {
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!record(observed, path, value)) return;
  }
}

/** Records `value` at `path` and what it holds; false once the path cap is reached. */
function record(observed: ObservedEvent, path: string, value: unknown): boolean {
  let types = observed.paths.get(path);
  if (!types) {
    if (observed.paths.size >= MAX_PATHS_PER_EVENT) {
      observed.truncated = true;
      return false;
    }
    observed.paths.set(path, (types = new Set()));
  }
  types.add(observedType(value));
  if (Array.isArray(value)) {
    for (const item of value) if (!record(observed, `${path}.$`, item)) return false;
  } else if (isPlainObject(value)) {
    walk(value, path, observed);
    if (observed.truncated) return false;
  }
  return true;
}
