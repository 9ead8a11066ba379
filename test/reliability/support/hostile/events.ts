import { randomUUID } from "node:crypto";
import fc from "fast-check";

/**
 * Valid Segment events, with data that is odd but valid: keys named like Object.prototype's
 * members, lone surrogates, NUL and emoji in strings, extreme numbers, moderate nesting. The
 * Tracking API must store all of it as data, unchanged.
 */

export const EVENT_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type Json = Record<string, unknown>;

/** Each call's long and short route (DESIGN.md, "Public routes"). */
export const ROUTES: Record<EventType, readonly string[]> = {
  track: ["/v1/track", "/v1/t"],
  identify: ["/v1/identify", "/v1/i"],
  page: ["/v1/page", "/v1/p"],
  screen: ["/v1/screen", "/v1/s"],
  group: ["/v1/group", "/v1/g"],
  alias: ["/v1/alias", "/v1/a"],
};
export const BATCH_ROUTES = ["/v1/batch", "/v1/b", "/v1/import"] as const;

/** Keys that trip code reading `object[key]` without an own-property check. */
export const PROTOTYPE_NAMES = ["constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__", "__lookupSetter__"];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const oddCharacter = fc.oneof(loneSurrogate, fc.constantFrom("\u0000", "\u2028", "\uFEFF", "😀", "\u0301", '"', "\\", "\n", "</script>"));

/** Strings as clients send them, and strings no client should (but JSON allows). */
export const oddString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.array(fc.oneof(oddCharacter, fc.string({ maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join("")),
);

const oddKey = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, "", "a.b", "$set", "0", "length"), oddString).filter((key) => key !== "__proto__");

const oddNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e308, -1e308, 5e-324, 2 ** 53 + 1, 0));

/** JSON values that are valid data, never carrying a __proto__ key (that one is refused). */
export const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    oddString,
    oddNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(oddKey, tie("value"), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;

export const oddObject = fc.dictionary(oddKey, oddValue, { maxKeys: 5, noNullPrototype: true });

/** An id as Segment libraries send it: a non-empty string or a finite number. */
const identifier = fc.oneof(
  oddString.filter((id) => id !== ""),
  fc.integer(),
  fc.constantFrom(...PROTOTYPE_NAMES),
);

const isoTimestamp = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString());

/**
 * Where each event's unique part goes: `freshIds` writes a new UUID there just before a request
 * is sent, so a case fast-check runs again while shrinking is a new event, not a duplicate. As
 * long as a UUID, so sizes computed with it hold.
 */
export const ID_MARK = "MESSAGE_ID_GOES_HERE_".padEnd(36, "_");

export function freshIds(text: string): string {
  return text.replaceAll(ID_MARK, () => randomUUID());
}

export function freshIdsIn(bytes: Buffer): Buffer {
  return Buffer.from(freshIds(bytes.toString("latin1")), "latin1");
}

/** A messageId with `ID_MARK` for its unique part, sometimes with odd characters after it (≤ 100 characters). */
export const messageId = oddString.map((suffix) => `hostile-${ID_MARK}${suffix}`.slice(0, 100));

export function eventOf(type: EventType): fc.Arbitrary<Json> {
  const common = {
    messageId,
    userId: identifier,
    anonymousId: fc.option(identifier, { nil: undefined }),
    timestamp: fc.option(isoTimestamp, { nil: undefined }),
    context: fc.option(oddObject, { nil: undefined }),
    extra: fc.option(oddValue, { nil: undefined }),
  };
  const specific: Record<EventType, fc.Arbitrary<Json>> = {
    track: fc.record({ event: oddString.filter((name) => name !== ""), properties: oddObject }),
    identify: fc.record({ traits: oddObject }),
    page: fc.record({ name: fc.option(oddString, { nil: null }), properties: oddObject }),
    screen: fc.record({ name: oddString, properties: oddObject }),
    group: fc.record({ groupId: identifier, traits: oddObject }),
    alias: fc.record({ previousId: identifier }),
  };
  return fc.record({ ...common, specific: specific[type] }).map(({ specific: fields, extra, ...rest }) => {
    const event: Json = { type, ...dropUndefined(rest), ...fields };
    if (extra !== undefined) event.odd_extra = extra;
    return event;
  });
}

export const anyEvent = fc.constantFrom(...EVENT_TYPES).chain((type) => eventOf(type));

function dropUndefined(record: Json): Json {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
