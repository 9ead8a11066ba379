import { describe, expect, it } from "vitest";
import { serializeEvent } from "../queues/pack-events";
import { MAX_EVENT_BYTES } from "../spec/limits";
import { enrichEvent } from "./enrich";
import { oversizedEventBytes } from "./event-size";
import { validateEvent } from "../spec/validate-event";
import type { EventType } from "../spec/event-types";

const facts = { receivedAt: new Date("2026-03-01T12:00:00.000Z"), sourceId: "src_1", ip: "203.0.113.7", location: { city: "Berlin", country: "DE" } };
const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/** What the edge does with a client's event: validate, enrich, serialize once. */
function accept(raw: Record<string, unknown>, routeType?: EventType, context?: Record<string, unknown>) {
  const result = validateEvent(raw, routeType);
  if (!result.ok) throw new Error(result.error.message);
  return serializeEvent(enrichEvent(result.event, { context }, facts, () => "sluice-generated-id"));
}

/** A track event whose client JSON is exactly `bytes` long. */
function trackOfBytes(bytes: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = { type: "track", userId: "u", event: "E", ...extra, properties: { pad: "" } };
  const pad = bytes - jsonBytes(base);
  return { ...base, properties: { pad: "x".repeat(pad) } };
}

describe("oversizedEventBytes", () => {
  it("lets through an event at the limit, although accepting it made it bigger", () => {
    const raw = trackOfBytes(MAX_EVENT_BYTES);
    const accepted = accept(raw);
    expect(accepted.bytes).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(oversizedEventBytes(raw, accepted)).toBeUndefined();
  });

  it("refuses an event one byte over the limit, with its size as the client sent it", () => {
    const raw = trackOfBytes(MAX_EVENT_BYTES + 1);
    expect(oversizedEventBytes(raw, accept(raw))).toBe(MAX_EVENT_BYTES + 1);
  });

  it("lets through a small event of a batch whose shared context makes it big once accepted", () => {
    const raw = trackOfBytes(1_000);
    const accepted = accept(raw, undefined, { shared: "y".repeat(MAX_EVENT_BYTES) });
    expect(accepted.bytes).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(oversizedEventBytes(raw, accepted)).toBeUndefined();
  });

  it("measures what the client sent where accepting it took something out", () => {
    // The write key is stripped: the accepted event is under the limit, the client's was over.
    const withKey = trackOfBytes(MAX_EVENT_BYTES + 10, { writeKey: `wk_${"k".repeat(1_000)}` });
    expect(accept(withKey).bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(oversizedEventBytes(withKey, accept(withKey))).toBe(MAX_EVENT_BYTES + 10);

    // The route's type and Sluice's receivedAt replace the client's, however long those were.
    const longType = trackOfBytes(MAX_EVENT_BYTES + 1, { type: "t".repeat(2_000) });
    expect(oversizedEventBytes(longType, accept(longType, "track"))).toBe(MAX_EVENT_BYTES + 1);
    const ownReceivedAt = trackOfBytes(MAX_EVENT_BYTES + 1, { receivedAt: `2026-01-01T00:00:00.${"0".repeat(2_000)}Z` });
    expect(accept(ownReceivedAt).bytes).toBeLessThan(MAX_EVENT_BYTES);
    expect(oversizedEventBytes(ownReceivedAt, accept(ownReceivedAt))).toBe(MAX_EVENT_BYTES + 1);
  });

  it("lets through an event with a write key that was within the limit", () => {
    const raw = trackOfBytes(MAX_EVENT_BYTES, { writeKey: "wk_0123456789" });
    expect(oversizedEventBytes(raw, accept(raw))).toBeUndefined();
  });
});
