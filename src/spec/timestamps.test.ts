import { describe, expect, it } from "vitest";
import { correctTimestamp, isIsoDateTime } from "./timestamps";

const receivedAt = new Date("2026-05-01T12:00:00.000Z");

describe("correctTimestamp", () => {
  it("corrects the client's clock skew with sentAt", () => {
    // The client's clock is 1 hour behind: it stamped the event 10 s before it sent it.
    const times = correctTimestamp({
      receivedAt,
      clientTimestamp: "2026-05-01T10:59:50.000Z",
      sentAt: "2026-05-01T11:00:00.000Z",
    });
    expect(times).toEqual({ timestamp: "2026-05-01T11:59:50.000Z", originalTimestamp: "2026-05-01T10:59:50.000Z" });
  });

  it("keeps the client's timestamp when there is no sentAt", () => {
    expect(correctTimestamp({ receivedAt, clientTimestamp: "2026-04-01T00:00:00+02:00" })).toEqual({
      timestamp: "2026-03-31T22:00:00.000Z",
      originalTimestamp: "2026-04-01T00:00:00+02:00",
    });
  });

  it("falls back to receivedAt when the correction leaves years 0000-9999", () => {
    const wild = [
      ["2026-01-01T00:00:00Z", "9999-01-01T00:00:00Z"],
      ["9999-06-01T00:00:00Z", "0001-01-01T00:00:00Z"],
    ] as const;
    for (const [clientTimestamp, sentAt] of wild) {
      expect(correctTimestamp({ receivedAt, clientTimestamp, sentAt })).toEqual({
        timestamp: "2026-05-01T12:00:00.000Z",
        originalTimestamp: clientTimestamp,
      });
    }
  });

  it("falls back to receivedAt", () => {
    expect(correctTimestamp({ receivedAt, sentAt: "2026-05-01T11:00:00.000Z" })).toEqual({
      timestamp: "2026-05-01T12:00:00.000Z",
    });
  });
});

describe("isIsoDateTime", () => {
  it("accepts ISO-8601 forms and rejects the rest", () => {
    for (const ok of ["2026-05-01", "2026-05-01T12:00:00Z", "2026-05-01T12:00:00.123+02:00", "2026-05-01T12:00Z"]) {
      expect(isIsoDateTime(ok), ok).toBe(true);
    }
    for (const bad of ["yesterday", "1714564800", "2026-13-45T00:00:00Z", "05/01/2026"]) {
      expect(isIsoDateTime(bad), bad).toBe(false);
    }
  });
});
