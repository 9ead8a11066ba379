import { describe, expect, it } from "vitest";
import type { DebuggerEntry } from "../debugger/entry";
import { coveredFrom } from "./covered";
import { entryHoldsCoveredPerson } from "./debugger-erase";

const covered = coveredFrom(["user_id:gone", "anonymous_id:gone-anon"]);
const entry = (fields: Partial<DebuggerEntry>): DebuggerEntry => ({
  id: "e",
  messageId: "m",
  sourceId: "s",
  receivedAt: "2026-01-01T00:00:00.000Z",
  kind: "accepted",
  event: null,
  journey: {},
  ...fields,
});

describe("entryHoldsCoveredPerson", () => {
  it("finds their events by identifier, and their ids anywhere in an invalid payload or its preview", () => {
    expect(entryHoldsCoveredPerson(entry({ event: { type: "track", anonymousId: "gone-anon" } }), covered)).toBe(true);
    expect(entryHoldsCoveredPerson(entry({ kind: "invalid", event: { type: "track", properties: { by: "gone" } } }), covered)).toBe(true);
    expect(entryHoldsCoveredPerson(entry({ kind: "invalid", omitted: { bytes: 50_000, preview: '{"userId":"gone","x":"' } }), covered)).toBe(true);
    expect(entryHoldsCoveredPerson(entry({ event: { type: "track", userId: "stays", properties: { note: "gone away" } } }), covered)).toBe(false);
  });
});
