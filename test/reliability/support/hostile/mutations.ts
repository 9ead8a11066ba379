import fc from "fast-check";
import type { EventType, Json } from "./events";

/**
 * Mutations of a valid event, each with what the Tracking API must answer: accept it (odd but
 * valid: stored as data) or refuse it with a 400 naming the field. Limits come from DESIGN.md and
 * src/spec/limits.ts (32 KB per event, messageId ≤ 100 characters) and src/spec/json-hazards.ts
 * (at most 100 levels of nesting, no `__proto__` key).
 */

export type Expectation = { accept: true } | { accept: false; field: string; message?: RegExp };

export interface Mutated {
  /** The event's JSON text, as sent (`__proto__` keys can only be written as text). */
  text: string;
  expect: Expectation;
  /** What was done, for failure messages. */
  note: string;
}

/** Where the event is sent: a single-call route lets the URL's type win over the body's. */
export type Context = "single" | "batch";

const MAX_EVENT_BYTES = 32 * 1024;
const MAX_DEPTH = 100;

type Kind = "string" | "identifier" | "requiredIdentifier" | "timestamp" | "object" | "nonEmptyString" | "messageId";

/** Values that are definitely wrong for each kind of field (null is valid for ids and names). */
const WRONG: Record<Kind, readonly unknown[]> = {
  string: [0, 1.5, true, [], ["x"], {}, { a: 1 }],
  identifier: [true, false, [], ["u"], {}, { id: 1 }],
  requiredIdentifier: [true, [], {}, "", null],
  timestamp: ["yesterday", "2026-13-45T99:00:00Z", "01/02/2026", 1_700_000_000_000, true, {}, ""],
  object: ["x", 1, true, [], ["a"], null],
  nonEmptyString: ["", 1, true, {}, [], null],
  messageId: ["", 1, true, {}, [], null, "m".repeat(101)],
};

const COMMON_FIELDS: Record<string, Kind> = {
  messageId: "messageId",
  userId: "identifier",
  anonymousId: "identifier",
  timestamp: "timestamp",
  originalTimestamp: "timestamp",
  sentAt: "timestamp",
  context: "object",
  integrations: "object",
};

const TYPE_FIELDS: Record<EventType, Record<string, Kind>> = {
  track: { event: "nonEmptyString", properties: "object" },
  identify: { traits: "object" },
  page: { name: "string", category: "string", properties: "object" },
  screen: { name: "string", category: "string", properties: "object" },
  group: { groupId: "requiredIdentifier", traits: "object" },
  alias: { userId: "requiredIdentifier", previousId: "requiredIdentifier" },
};

/** A field of the event's schema set to a value of the wrong type. */
function wrongType(event: Json, context: Context): fc.Arbitrary<Mutated> {
  const type = event.type as EventType;
  const fields = Object.entries({ ...COMMON_FIELDS, ...TYPE_FIELDS[type] });
  const typeField = fc.constantFrom("purchase", "Track", 1, null, {}, []).map((value): Mutated => {
    const text = JSON.stringify({ ...event, type: value });
    // On /v1/<call> the URL names the call and the body's type is ignored (as Segment does).
    return context === "single"
      ? { text, expect: { accept: true }, note: `type ${JSON.stringify(value)} on a single-call route` }
      : { text, expect: { accept: false, field: "type" }, note: `type ${JSON.stringify(value)}` };
  });
  const otherField = fc
    .constantFrom(...fields)
    .chain(([field, kind]) => fc.constantFrom(...WRONG[kind]).map((value) => ({ field, value })))
    .map(({ field, value }): Mutated => ({
      text: JSON.stringify({ ...event, [field]: value }),
      expect: { accept: false, field },
      note: `${field}: ${JSON.stringify(value)}`,
    }));
  return fc.oneof({ arbitrary: otherField, weight: 5 }, { arbitrary: typeField, weight: 1 });
}

/** A field the call needs, left out. */
function dropRequired(event: Json, context: Context): fc.Arbitrary<Mutated> {
  const type = event.type as EventType;
  const drops: { remove: string[]; field: string }[] = [];
  if (type === "track") drops.push({ remove: ["event"], field: "event" });
  if (type === "group") drops.push({ remove: ["groupId"], field: "groupId" });
  if (type === "alias") drops.push({ remove: ["previousId"], field: "previousId" }, { remove: ["userId"], field: "userId" });
  else drops.push({ remove: ["userId", "anonymousId"], field: "userId" });
  if (context === "batch") drops.push({ remove: ["type"], field: "type" });
  return fc.constantFrom(...drops).map(({ remove, field }) => {
    const copy = { ...event };
    for (const key of remove) delete copy[key];
    return { text: JSON.stringify(copy), expect: { accept: false, field }, note: `without ${remove.join(" and ")}` };
  });
}

/** Paths of the event's plain objects (the event itself is []), a few levels down. */
function objectPaths(value: unknown, path: string[] = [], paths: string[][] = []): string[][] {
  if (typeof value !== "object" || value === null || Array.isArray(value) || path.length > 4) return paths;
  paths.push(path);
  for (const [key, inner] of Object.entries(value)) objectPaths(inner, [...path, key], paths);
  return paths;
}

function atPath(root: Json, path: readonly string[]): Json {
  let at = root;
  for (const key of path) at = at[key] as Json;
  return at;
}

const PROTO_MARK = "__hostile_proto_key__";

/** A `__proto__` key in the event or any object inside it: refused, naming its path. */
function protoKey(event: Json): fc.Arbitrary<Mutated> {
  const paths = objectPaths(event);
  return fc
    .record({ path: fc.constantFrom(...paths), value: fc.constantFrom<unknown>({ polluted: true }, { isAdmin: true, userId: "forged" }, 1, "x", null) })
    .map(({ path, value }) => {
      const copy = JSON.parse(JSON.stringify(event)) as Json; // a deep copy that shares no object between two places
      atPath(copy, path)[PROTO_MARK] = value;
      // JSON.stringify cannot write an own __proto__ key from an object literal: rename it in the text.
      const text = JSON.stringify(copy).replace(`"${PROTO_MARK}":`, '"__proto__":');
      const field = [...path, "__proto__"].join(".");
      return { text, expect: { accept: false, field, message: /__proto__/ }, note: `__proto__ at ${field}` };
    });
}

/** The object of the event that holds its free-form data. */
function dataField(event: Json): string {
  return event.type === "identify" || event.type === "group" ? "traits" : event.type === "alias" ? "context" : "properties";
}

const byteLength = (text: string) => Buffer.byteLength(text, "utf8");

/** Nested arrays under the event's data: accepted up to 100 levels in all, refused past them. */
function deepNesting(event: Json): fc.Arbitrary<Mutated> {
  const field = dataField(event);
  // The event is level 1, its data object level 2, so n arrays reach level 2 + n.
  const levels = fc.oneof(fc.integer({ min: MAX_DEPTH - 10, max: MAX_DEPTH + 3 }), fc.integer({ min: 1_000, max: 20_000 }));
  return levels.map((n) => {
    const holder = { ...(event[field] as Json | undefined) };
    holder.deep = "DEEP_MARK";
    const text = JSON.stringify({ ...event, [field]: holder }).replace('"DEEP_MARK"', `${"[".repeat(n)}${"]".repeat(n)}`);
    const note = `${n} nested arrays at ${field}.deep (${byteLength(text)} bytes)`;
    // Depth is checked before size: measuring the size of such JSON is what overflowed.
    if (2 + n > MAX_DEPTH) return { text, expect: { accept: false, field: `${field}.deep`, message: /100 levels deep/ }, note };
    return { text, expect: { accept: true }, note };
  });
}

/** A long string property putting the event just under, at or over 32 KB. */
function sizeLimit(event: Json): fc.Arbitrary<Mutated> {
  const field = dataField(event);
  return fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 41, max: 60_000 })).map((over) => {
    const withBlob = (length: number) => JSON.stringify({ ...event, [field]: { ...(event[field] as Json | undefined), blob: "x".repeat(length) } });
    const length = Math.max(0, MAX_EVENT_BYTES + over - byteLength(withBlob(0)));
    const text = withBlob(length);
    const note = `${byteLength(text)} bytes`;
    return byteLength(text) > MAX_EVENT_BYTES
      ? { text, expect: { accept: false, field: "", message: /32 KB/ }, note }
      : { text, expect: { accept: true }, note };
  });
}

/** An event as generated: odd but valid. */
function unchanged(event: Json): fc.Arbitrary<Mutated> {
  return fc.constant({ text: JSON.stringify(event), expect: { accept: true }, note: "unchanged" });
}

/**
 * One mutation of `event`. Without `limits`, no mutation plays with the size and depth limits
 * (for the pixel API, whose events travel in a URL).
 */
export function mutationOf(event: Json, context: Context, { limits = true } = {}): fc.Arbitrary<Mutated> {
  const always = [
    { arbitrary: unchanged(event), weight: 2 },
    { arbitrary: wrongType(event, context), weight: 4 },
    { arbitrary: dropRequired(event, context), weight: 2 },
    { arbitrary: protoKey(event), weight: 3 },
  ];
  if (!limits) return fc.oneof(...always);
  return fc.oneof(...always, { arbitrary: deepNesting(event), weight: 2 }, { arbitrary: sizeLimit(event), weight: 2 });
}
