import { describe, expect, it } from "vitest";
import { validateEvent } from "./validate-event";

describe("validateEvent", () => {
  it("accepts each Spec call with its required fields", () => {
    const calls = [
      { type: "track", userId: "u1", event: "Order Completed" },
      { type: "identify", anonymousId: "a1", traits: { email: "x@example.com" } },
      { type: "page", userId: "u1", name: "Home" },
      { type: "screen", userId: "u1", name: "Home" },
      { type: "group", userId: "u1", groupId: "g1" },
      { type: "alias", userId: "u2", previousId: "u1" },
    ];
    for (const call of calls) expect(validateEvent(call)).toMatchObject({ ok: true, event: call });
  });

  it("requires userId or anonymousId", () => {
    expect(validateEvent({ type: "track", event: "X" })).toEqual({
      ok: false,
      error: { field: "userId", message: "userId is required: every call needs a userId or an anonymousId." },
    });
    expect(validateEvent({ type: "track", event: "X", userId: "" })).toMatchObject({ ok: false, error: { field: "userId" } });
  });

  it("names the missing field for each call type", () => {
    expect(validateEvent({ type: "track", userId: "u" })).toMatchObject({ ok: false, error: { field: "event" } });
    expect(validateEvent({ type: "group", userId: "u" })).toMatchObject({ ok: false, error: { field: "groupId" } });
    expect(validateEvent({ type: "alias", userId: "u" })).toMatchObject({ ok: false, error: { field: "previousId" } });
    expect(validateEvent({ type: "alias", previousId: "p", anonymousId: "a" })).toMatchObject({
      ok: false,
      error: { field: "userId" },
    });
  });

  it("rejects unknown and missing types", () => {
    expect(validateEvent({ type: "purchase", userId: "u" })).toMatchObject({ ok: false, error: { field: "type" } });
    expect(validateEvent({ userId: "u" })).toMatchObject({ ok: false, error: { field: "type" } });
  });

  it("lets the route's type win over the body's", () => {
    expect(validateEvent({ type: "identify", userId: "u", event: "Clicked" }, "track")).toMatchObject({
      ok: true,
      event: { type: "track" },
    });
  });

  it("limits messageId to 100 characters", () => {
    expect(validateEvent({ type: "track", userId: "u", event: "E", messageId: "m".repeat(100) }).ok).toBe(true);
    expect(validateEvent({ type: "track", userId: "u", event: "E", messageId: "m".repeat(101) })).toEqual({
      ok: false,
      error: { field: "messageId", message: "messageId must be at most 100 characters." },
    });
  });

  it("coerces numeric ids to strings, as Segment's libraries do", () => {
    expect(validateEvent({ type: "group", userId: 42, groupId: 7 })).toMatchObject({
      ok: true,
      event: { userId: "42", groupId: "7" },
    });
  });

  it("rejects non-object payload parts and bad timestamps", () => {
    expect(validateEvent({ type: "track", userId: "u", event: "E", properties: [1] })).toMatchObject({
      ok: false,
      error: { field: "properties" },
    });
    expect(validateEvent({ type: "track", userId: "u", event: "E", timestamp: "yesterday" })).toMatchObject({
      ok: false,
      error: { field: "timestamp" },
    });
    expect(validateEvent("track")).toMatchObject({ ok: false, error: { field: "" } });
  });

  it("keeps unknown top-level fields", () => {
    expect(validateEvent({ type: "track", userId: "u", event: "E", custom: { a: 1 } })).toMatchObject({
      ok: true,
      event: { custom: { a: 1 } },
    });
  });

  it("refuses a __proto__ key anywhere, naming its path, since copying the event would drop it", () => {
    for (const [text, field] of [
      ['{"type":"track","userId":"u","event":"E","__proto__":{"event":"forged"}}', "__proto__"],
      ['{"type":"track","userId":"u","event":"E","properties":{"__proto__":{"admin":true}}}', "properties.__proto__"],
      ['{"type":"identify","userId":"u","traits":{"address":{"__proto__":{"city":"x"}}}}', "traits.address.__proto__"],
      ['{"type":"track","userId":"u","event":"E","context":{"library":[{"__proto__":1}]}}', "context.library.0.__proto__"],
    ] as const) {
      const result = validateEvent(JSON.parse(text));
      expect(result, text).toMatchObject({ ok: false, error: { field } });
      expect(result.ok || result.error.message).toContain("__proto__");
    }
  });

  it("refuses an event nested more than 100 levels deep, naming where", () => {
    const deep = (levels: number): unknown =>
      JSON.parse(`{"type":"track","userId":"u","event":"E","properties":{"a":${"[".repeat(levels)}1${"]".repeat(levels)}}}`);
    // The event is level 1 and properties level 2: 98 arrays inside reach level 100 exactly.
    expect(validateEvent(deep(98)).ok).toBe(true);
    expect(validateEvent(deep(99))).toMatchObject({ ok: false, error: { field: "properties.a" } });
    expect(validateEvent(deep(20_000))).toMatchObject({ ok: false, error: { field: "properties.a" } });
  });

  it("keeps constructor and prototype keys as data", () => {
    const event: unknown = JSON.parse('{"type":"track","userId":"u","event":"constructor","properties":{"constructor":{"prototype":{"x":1}},"toString":"s"}}');
    expect(validateEvent(event)).toEqual({ ok: true, event });
  });
});
