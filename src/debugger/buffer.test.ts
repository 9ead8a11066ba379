import { describe, expect, it } from "vitest";
import { DebuggerBuffer, type StoredEntry } from "./buffer";
import { MAX_ENTRY_BYTES, type DebuggerEntry } from "./entry";

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

const accepted = (messageId: string, second = 0, properties: object = {}): DebuggerEntry => ({
  id: messageId,
  messageId,
  sourceId: "src_1",
  receivedAt: at(second),
  kind: "accepted",
  event: { type: "track", event: "Clicked", messageId, properties },
  journey: { plan: { verdict: "passed", violations: [] }, blocked: null, archived: true },
});

const ids = (buffer: DebuggerBuffer) => buffer.recent().map((entry) => entry.id);

describe("DebuggerBuffer", () => {
  it("removes the entries a deletion picks, answering their ids as evicted", () => {
    const buffer = new DebuggerBuffer();
    buffer.record([accepted("a", 1), accepted("b", 2), accepted("c", 3)]);
    expect(buffer.remove((entry) => entry.id !== "b")).toEqual({ saved: [], evicted: ["c", "a"] });
    expect(ids(buffer)).toEqual(["b"]);
    expect(buffer.remove(() => false)).toEqual({ saved: [], evicted: [] });
  });

  it("answers entries newest first by receivedAt, then by arrival", () => {
    const buffer = new DebuggerBuffer();
    buffer.record([accepted("a", 1), accepted("b", 3)]);
    buffer.record([accepted("c", 2), accepted("d", 3)]);
    expect(ids(buffer)).toEqual(["d", "b", "c", "a"]);
  });

  it("keeps at most maxEntries, evicting the oldest", () => {
    const buffer = new DebuggerBuffer([], { maxEntries: 3, maxBytes: 1_000_000 });
    buffer.record([accepted("a", 1), accepted("b", 2)]);
    const change = buffer.record([accepted("c", 3), accepted("d", 4)]);
    expect(ids(buffer)).toEqual(["d", "c", "b"]);
    expect(change.evicted).toEqual(["a"]);
    expect(change.saved.map(({ entry }) => entry.id)).toEqual(["c", "d"]);
  });

  it("answers what changed oldest first, so a view putting each on top shows one request's events newest first", () => {
    const buffer = new DebuggerBuffer();
    // One SDK batch: one request, so one receivedAt for all its events.
    const change = buffer.record([accepted("page", 5), accepted("track", 5), accepted("identify", 5)]);
    expect(change.saved.map(({ entry }) => entry.id)).toEqual(["page", "track", "identify"]);
    expect(ids(buffer)).toEqual(["identify", "track", "page"]);
    const shown: string[] = [];
    for (const { entry } of change.saved) shown.unshift(entry.id);
    expect(shown).toEqual(ids(buffer));
  });

  it("keeps within the byte budget", () => {
    const one = new DebuggerBuffer().record([accepted("x")]).saved[0]!.bytes;
    const buffer = new DebuggerBuffer([], { maxEntries: 500, maxBytes: one * 2 + 10 });
    buffer.record([accepted("a", 1), accepted("b", 2), accepted("c", 3)]);
    expect(ids(buffer)).toEqual(["c", "b"]);
  });

  it("stores a huge entry without its event, saying so, so it cannot evict the rest", () => {
    const buffer = new DebuggerBuffer([], { maxEntries: 500, maxBytes: MAX_ENTRY_BYTES * 3 });
    buffer.record([accepted("a", 1), accepted("b", 2)]);
    const huge: DebuggerEntry = {
      id: "inv_1",
      messageId: null,
      sourceId: "src_1",
      receivedAt: at(3),
      kind: "invalid",
      event: { type: "track", properties: { blob: "x".repeat(200_000) } },
      error: { message: "The event is 196 KB, over the 32 KB limit per event: trim its properties or traits.", field: "" },
      journey: {},
    };
    const [stored] = buffer.record([huge]).saved;
    expect(stored!.bytes).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(stored!.entry.event).toBeNull();
    expect(stored!.entry.omitted!.bytes).toBeGreaterThan(200_000);
    expect(stored!.entry.omitted!.preview.startsWith('{"type":"track"')).toBe(true);
    expect(stored!.entry.error).toEqual(huge.error);
    expect(ids(buffer)).toEqual(["inv_1", "b", "a"]);
  });

  it("merges a recorded id again into the entry held, in place", () => {
    const buffer = new DebuggerBuffer();
    buffer.record([accepted("a", 1), accepted("b", 2)]);
    buffer.record([{ ...accepted("a", 1), journey: { archived: true, plan: { verdict: "violated", violations: [] } } }]);
    expect(ids(buffer)).toEqual(["b", "a"]);
    expect(buffer.recent()[1]!.journey.plan!.verdict).toBe("violated");
  });

  it("merges journey updates by messageId into the accepted entry, not into its duplicates", () => {
    const buffer = new DebuggerBuffer();
    const duplicate: DebuggerEntry = { ...accepted("a", 2), id: "a#dup#q2", kind: "duplicate", journey: {} };
    buffer.record([accepted("a", 1), duplicate]);
    const change = buffer.update([
      { messageId: "a", journey: { deliveries: { dst_1: { status: "retrying", attempts: 1, outcome: "answered 503" } } } },
      { messageId: "a", journey: { deliveries: { dst_2: { status: "delivered", attempts: 1, outcome: "delivered" } } } },
      { messageId: "gone", journey: { archived: true } },
    ]);
    expect(change.saved.map(({ entry }) => entry.id)).toEqual(["a"]);
    const [dup, entry] = buffer.recent();
    expect(dup!.journey).toEqual({});
    expect(entry!.journey).toEqual({
      plan: { verdict: "passed", violations: [] },
      blocked: null,
      archived: true,
      deliveries: {
        dst_1: { status: "retrying", attempts: 1, outcome: "answered 503" },
        dst_2: { status: "delivered", attempts: 1, outcome: "delivered" },
      },
    });
  });

  it("never lets an older delivery attempt overwrite a newer one", () => {
    const buffer = new DebuggerBuffer();
    buffer.record([accepted("a")]);
    buffer.update([{ messageId: "a", journey: { deliveries: { dst_1: { status: "delivered", attempts: 2, outcome: "delivered" } } } }]);
    buffer.update([{ messageId: "a", journey: { deliveries: { dst_1: { status: "retrying", attempts: 1, outcome: "answered 503" } } } }]);
    expect(buffer.recent()[0]!.journey.deliveries!.dst_1!.status).toBe("delivered");
  });

  it("starts from stored entries in any order and numbers new ones after them", () => {
    const stored: StoredEntry[] = [
      { seq: 7, entry: accepted("b", 1), bytes: 100 },
      { seq: 3, entry: accepted("a", 1), bytes: 100 },
    ];
    const buffer = new DebuggerBuffer(stored);
    const [added] = buffer.record([accepted("c", 1)]).saved;
    expect(added!.seq).toBe(8);
    expect(ids(buffer)).toEqual(["c", "b", "a"]);
  });
});
