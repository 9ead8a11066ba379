import { describe, expect, it } from "vitest";
import type { SegmentEvent } from "../spec/validate-event";
import { enrichEvent, locationFromCf, mergeObjects } from "./enrich";

const facts = { receivedAt: new Date("2026-05-01T12:00:00.000Z"), sourceId: "src_1", ip: "203.0.113.9" };
const newId = () => "generated-id";

describe("enrichEvent", () => {
  it("adds receivedAt, projectId, ip and a messageId, without mutating the input", () => {
    const event: SegmentEvent = { type: "track", userId: "u", event: "E", writeKey: "secret" };
    const accepted = enrichEvent(event, {}, facts, newId);
    expect(accepted).toEqual({
      type: "track",
      userId: "u",
      event: "E",
      messageId: "generated-id",
      receivedAt: "2026-05-01T12:00:00.000Z",
      timestamp: "2026-05-01T12:00:00.000Z",
      projectId: "src_1",
      context: { ip: "203.0.113.9" },
    });
    expect(event).toEqual({ type: "track", userId: "u", event: "E", writeKey: "secret" });
  });

  it("keeps the event's own ip, messageId and location", () => {
    const event: SegmentEvent = { type: "track", userId: "u", event: "E", messageId: "m1", context: { ip: "198.51.100.1", location: { city: "Oslo" } } };
    const accepted = enrichEvent(event, {}, { ...facts, location: { city: "Paris" } }, newId);
    expect(accepted.messageId).toBe("m1");
    expect(accepted.context).toEqual({ ip: "198.51.100.1", location: { city: "Oslo" } });
  });

  it("merges batch context and integrations under the event's own, and applies batch sentAt", () => {
    const event: SegmentEvent = {
      type: "track",
      userId: "u",
      event: "E",
      timestamp: "2026-05-01T10:59:50.000Z",
      context: { library: { version: "2" }, page: { path: "/" } },
      integrations: { Mixpanel: false },
    };
    const accepted = enrichEvent(
      event,
      { context: { library: { name: "lib", version: "1" } }, integrations: { All: true }, sentAt: "2026-05-01T11:00:00.000Z" },
      facts,
      newId,
    );
    expect(accepted.context).toEqual({ library: { name: "lib", version: "2" }, page: { path: "/" }, ip: "203.0.113.9" });
    expect(accepted.integrations).toEqual({ All: true, Mixpanel: false });
    expect(accepted.sentAt).toBe("2026-05-01T11:00:00.000Z");
    expect(accepted.timestamp).toBe("2026-05-01T11:59:50.000Z");
    expect(accepted.originalTimestamp).toBe("2026-05-01T10:59:50.000Z");
  });

  it("overrides a client-claimed projectId with the authenticated source", () => {
    const accepted = enrichEvent({ type: "track", userId: "u", event: "E", projectId: "someone-else" }, {}, facts, newId);
    expect(accepted.projectId).toBe("src_1");
  });
});

describe("mergeObjects", () => {
  it("replaces arrays whole and merges nested objects", () => {
    expect(mergeObjects({ a: [1, 2], b: { c: 1, d: 1 } }, { a: [3], b: { d: 2 } })).toEqual({ a: [3], b: { c: 1, d: 2 } });
  });
});

describe("locationFromCf", () => {
  it("maps Cloudflare's geo fields to Segment's context.location", () => {
    expect(locationFromCf({ city: "Lisbon", country: "PT", region: "Lisbon", latitude: "38.7", longitude: "-9.1", colo: "LIS" })).toEqual({
      city: "Lisbon",
      country: "PT",
      region: "Lisbon",
      latitude: 38.7,
      longitude: -9.1,
    });
    expect(locationFromCf({ colo: "LIS" })).toBeUndefined();
    expect(locationFromCf(undefined)).toBeUndefined();
  });
});
