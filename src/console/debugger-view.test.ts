import { describe, expect, it } from "vitest";
import type { DebuggerEntry } from "../debugger/entry";
import { describeCall, entryView, journeyLines, matchesQuery, summarize, type ViewNode } from "./debugger-view";

const base: DebuggerEntry = { id: "m1", messageId: "m1", sourceId: "s1", receivedAt: "2026-01-01T10:00:05.000Z", kind: "accepted", event: null, journey: {} };
const textOf = (node: ViewNode): string => (typeof node === "string" ? node : (node.children ?? []).map(textOf).join(""));

describe("the debugger's entry view", () => {
  it("writes each Segment call as analytics.js code", () => {
    expect(describeCall({ type: "track", event: "Order Completed", properties: { total: 1 } })).toBe('analytics.track("Order Completed", {\n  "total": 1\n})');
    expect(describeCall({ type: "page", category: "Docs", name: "Intro" })).toBe('analytics.page("Docs", "Intro")');
    expect(describeCall({ type: "identify", userId: "u1", traits: { plan: "pro" } })).toBe('analytics.identify("u1", {\n  "plan": "pro"\n})');
    expect(describeCall({ type: "alias", userId: "u2", previousId: "u1" })).toBe('analytics.alias("u2", "u1")');
    expect(describeCall({ type: "nope" })).toBeNull();
    expect(describeCall("not an object")).toBeNull();
  });

  it("summarizes an entry by type, name and who", () => {
    expect(summarize({ ...base, event: { type: "track", event: "Signed Up", userId: "u1" } })).toEqual({ type: "track", name: "Signed Up", who: "user u1" });
    expect(summarize({ ...base, event: { type: "page", anonymousId: "a1" } })).toEqual({ type: "page", name: "", who: "anonymous a1" });
    expect(summarize({ ...base, event: 42 })).toEqual({ type: "unknown", name: "", who: "no user" });
  });

  it("tells the journey in pipeline order, and the error of an invalid event", () => {
    const journey = journeyLines({
      ...base,
      journey: {
        plan: { verdict: "blocked", violations: [{ type: "Unplanned Event", field: "", description: "not in the plan" }] },
        blocked: "Unplanned Event",
        archived: false,
        deliveries: { dst_1: { status: "retrying", attempts: 2, outcome: "answered 503" } },
      },
    });
    expect(journey.map(({ label, detail }) => `${label}: ${detail}`)).toEqual([
      "Plan blocked: Unplanned Event: not in the plan",
      "Blocked: Unplanned Event",
      "Not archived: ",
      "dst_1: retrying: answered 503, 2 attempts",
    ]);
    expect(journeyLines(base)).toEqual([expect.objectContaining({ label: "In the pipeline" })]);
    const invalid = { ...base, kind: "invalid" as const, error: { message: "Needs an event name.", field: "event" } };
    expect(journeyLines(invalid)).toEqual([{ tone: "bad", label: "Refused", detail: "Needs an event name. (field: event)" }]);
    expect(textOf(entryView(invalid))).toContain("The client was told: Needs an event name.");
  });

  it("keeps every value of the event as a text node, with the raw JSON and the call", () => {
    const view = entryView({ ...base, event: { type: "track", event: "<img src=x onerror=alert(1)>", userId: "u1", context: { ip: "1.2.3.4" } } });
    expect(view.attrs).toEqual({ class: "entry accepted", "data-id": "m1" });
    const shown = textOf(view);
    expect(shown).toContain("<img src=x onerror=alert(1)>");
    expect(shown).toContain('"ip": "1.2.3.4"');
    expect(shown).toContain('analytics.track("<img src=x onerror=alert(1)>")');
    expect(matchesQuery(shown, " 1.2.3.4 ")).toBe(true);
    expect(matchesQuery(shown, "IMG SRC")).toBe(true);
    expect(matchesQuery(shown, "absent")).toBe(false);
    expect(matchesQuery(shown, "")).toBe(true);
  });

  it("shows what is left of an event too big to keep", () => {
    const shown = textOf(entryView({ ...base, kind: "invalid", omitted: { bytes: 50_000, preview: '{"type":"track"' } }));
    expect(shown).toContain("first 15 characters of 50000 bytes");
    expect(shown).toContain('{"type":"track"');
  });
});
