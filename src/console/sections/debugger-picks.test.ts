import { describe, expect, it } from "vitest";
import type { DebuggerEntry } from "../../debugger/entry";
import { debuggerSourceOf, pickableEntries } from "./debugger-picks";

const entry = (id: string, over: Partial<DebuggerEntry> = {}): DebuggerEntry => ({
  id,
  messageId: id,
  sourceId: "src_1",
  receivedAt: "2026-05-01T10:00:03.250Z",
  kind: "accepted",
  event: { type: "track", event: "Order Completed", userId: "u1", messageId: id },
  journey: {},
  ...over,
});

describe("debugger events the filter preview offers", () => {
  it("are the newest accepted events, named by type, name, who and when", () => {
    const picks = pickableEntries([
      entry("m-3"),
      entry("m-bad", { kind: "invalid", event: { type: "track" }, error: { message: "no event", field: "event" } }),
      entry("m-dup#duplicate#q", { kind: "duplicate" }),
      entry("m-big", { event: null, omitted: { bytes: 50_000, preview: "{" } }),
      entry("m-2", { event: { type: "page", anonymousId: "a1" } }),
      entry("m-1", { event: ["not", "an", "object"] }),
    ]);
    expect(picks).toEqual([
      { id: "m-3", label: 'track "Order Completed" · user u1 · 2026-05-01 10:00:03 UTC', event: entry("m-3").event },
      { id: "m-2", label: "page · anonymous a1 · 2026-05-01 10:00:03 UTC", event: { type: "page", anonymousId: "a1" } },
    ]);
    expect(pickableEntries([entry("a"), entry("b"), entry("c")], 2).map((pick) => pick.id)).toEqual(["a", "b"]);
  });

  it("come from the source asked for, else the destination's first, else the first there is", () => {
    const sources = [{ id: "src_a" }, { id: "src_b" }];
    expect(debuggerSourceOf("src_b", ["src_a"], sources)).toBe("src_b");
    expect(debuggerSourceOf("src_gone", ["src_gone", "src_a"], sources)).toBe("src_a");
    expect(debuggerSourceOf("", [], sources)).toBe("src_a");
    expect(debuggerSourceOf("", [], [])).toBeNull();
  });
});
