import { describe, expect, it } from "vitest";
import { MAX_ENTRY_BYTES } from "./entry";
import { invalidEntries } from "./invalid-entries";

const receivedAt = new Date("2026-01-01T00:00:00.000Z");
let counter = 0;
const newId = () => `id${++counter}`;
const error = { message: "refused", field: "properties.a" };

describe("invalidEntries", () => {
  it("keeps a small refused payload whole, with what the client was told", () => {
    const payload = { type: "track", messageId: "m1", userId: "u" };
    const [entry] = invalidEntries("src_1", [{ payload, error }], receivedAt, newId);
    expect(entry).toMatchObject({ kind: "invalid", messageId: "m1", sourceId: "src_1", event: payload, error });
    expect(entry!.omitted).toBeUndefined();
  });

  it("sends a payload nested thousands deep as its preview: Durable Object RPC would overflow on it", () => {
    const payload: unknown = JSON.parse(`{"type":"track","properties":{"a":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`);
    const [entry] = invalidEntries("src_1", [{ payload, error }], receivedAt, newId);
    expect(entry!.event).toBeNull();
    expect(entry!.omitted!.preview.startsWith('{"type":"track","properties":{"a":[[[')).toBe(true);
    expect(entry!.omitted!.bytes).toBe(100_036);
    expect(entry!.error).toEqual(error);
  });

  it("sends an oversized payload as its preview", () => {
    const payload = { type: "track", properties: { blob: "x".repeat(MAX_ENTRY_BYTES * 2) } };
    const [entry] = invalidEntries("src_1", [{ payload, error }], receivedAt, newId);
    expect(entry!.event).toBeNull();
    expect(entry!.omitted!.bytes).toBeGreaterThan(MAX_ENTRY_BYTES * 2);
  });
});
