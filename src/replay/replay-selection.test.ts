import { describe, expect, it } from "vitest";
import { replayRequest } from "./replay-request";
import { compareReplayKeys, parseArchiveLines, replayKey, replayOrder, selectForReplay, selectsWholeHour } from "./replay-selection";

const selection = { from: "2026-03-14T10:00:00.000Z", to: "2026-03-14T11:00:00.000Z", blocks: { events: [], traits: [] } };
const at = (receivedAt: string, fields: Record<string, unknown> = {}) => ({ type: "track", event: "Order Completed", receivedAt, ...fields });

describe("selectForReplay", () => {
  it("takes receivedAt in [from, to)", () => {
    expect(selectForReplay(at("2026-03-14T10:00:00.000Z"), selection)).not.toBeNull();
    expect(selectForReplay(at("2026-03-14T10:59:59.999Z"), selection)).not.toBeNull();
    expect(selectForReplay(at("2026-03-14T11:00:00.000Z"), selection)).toBeNull();
    expect(selectForReplay(at("2026-03-14T09:59:59.999Z"), selection)).toBeNull();
    expect(selectForReplay({ type: "track", event: "No time" }, selection)).toBeNull();
  });

  it("filters by type, and by name as a track's event or a page or screen call's name", () => {
    const named = { ...selection, eventTypes: ["track", "page"], eventNames: ["Order Completed", "Pricing"] };
    expect(selectForReplay(at("2026-03-14T10:30:00Z"), named)).not.toBeNull();
    expect(selectForReplay(at("2026-03-14T10:30:00Z", { event: "Other" }), named)).toBeNull();
    expect(selectForReplay(at("2026-03-14T10:30:00Z", { type: "page", event: undefined, name: "Pricing" }), named)).not.toBeNull();
    expect(selectForReplay(at("2026-03-14T10:30:00Z", { type: "screen", name: "Pricing" }), named)).toBeNull();
    expect(selectForReplay(at("2026-03-14T10:30:00Z", { type: "identify" }), { ...selection, eventNames: ["Order Completed"] })).toBeNull();
  });

  it("leaves out events the source blocks and drops blocked traits as live traffic would", () => {
    const blocks = { events: [{ type: "track" as const, name: "Order Completed" }], traits: [{ type: "identify" as const, name: "ssn" }] };
    expect(selectForReplay(at("2026-03-14T10:30:00Z"), { ...selection, blocks })).toBeNull();
    const identify = selectForReplay(at("2026-03-14T10:30:00Z", { type: "identify", traits: { ssn: "x", plan: "pro" } }), { ...selection, blocks });
    expect(identify?.traits).toEqual({ plan: "pro" });
  });
});

describe("selectsWholeHour", () => {
  const whole = { from: "2026-03-14T10:00:00.000Z", to: "2026-03-14T12:00:00.000Z", blocks: { events: [], traits: [] } };
  it("is true only for hours wholly in range with nothing narrowing the selection", () => {
    expect(selectsWholeHour("2026-03-14/10", whole)).toBe(true);
    expect(selectsWholeHour("2026-03-14/11", whole)).toBe(true);
    expect(selectsWholeHour("2026-03-14/12", whole)).toBe(false);
    expect(selectsWholeHour("2026-03-14/10", { ...whole, from: "2026-03-14T10:00:00.001Z" })).toBe(false);
    expect(selectsWholeHour("2026-03-14/10", { ...whole, eventTypes: ["track"] })).toBe(false);
    expect(selectsWholeHour("2026-03-14/10", { ...whole, eventNames: ["A"] })).toBe(false);
    expect(selectsWholeHour("2026-03-14/10", { ...whole, blocks: { events: [{ type: "track", name: "A" }], traits: [] } })).toBe(false);
  });
});

describe("replayOrder", () => {
  it("sorts by timestamp then messageId, puts events without a timestamp last, and skips unreadable lines", () => {
    const lines = [
      JSON.stringify({ messageId: "c", timestamp: "2026-03-14T10:03:00Z" }),
      "not json",
      JSON.stringify({ messageId: "none" }),
      JSON.stringify({ messageId: "a", timestamp: "2026-03-14T10:01:00Z" }),
      JSON.stringify({ messageId: "b2", timestamp: "2026-03-14T10:02:00Z" }),
      JSON.stringify({ messageId: "b1", timestamp: "2026-03-14T10:02:00Z" }),
      "[1]",
    ];
    const ordered = replayOrder(parseArchiveLines(lines));
    expect(ordered.map(({ event }) => event.messageId)).toEqual(["a", "b1", "b2", "c", "none"]);
    expect(compareReplayKeys(ordered[1]!.key, replayKey({ messageId: "b1", timestamp: "2026-03-14T10:02:00.000Z" }))).toBe(0);
  });
});

describe("replayRequest", () => {
  const base = { sourceId: "s", destinationIds: ["d"], from: "2026-03-14T00:00:00Z", to: "2026-03-15T00:00:00Z" };
  it("accepts DESIGN.md's body and refuses backwards ranges, repeated destinations and unknown types", () => {
    expect(replayRequest.safeParse(base).success).toBe(true);
    expect(replayRequest.safeParse({ ...base, from: base.to, to: base.from }).success).toBe(false);
    expect(replayRequest.safeParse({ ...base, destinationIds: ["d", "d"] }).success).toBe(false);
    expect(replayRequest.safeParse({ ...base, destinationIds: [] }).success).toBe(false);
    expect(replayRequest.safeParse({ ...base, eventTypes: ["click"] }).success).toBe(false);
    expect(replayRequest.safeParse({ ...base, from: "yesterday" }).success).toBe(false);
  });
});
