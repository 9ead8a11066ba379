import { describe, expect, it } from "vitest";
import { classifyAnswer, describeExhausted, MAX_QUEUE_DELAY_SECONDS, nextRetryDelaySeconds, RETRY_WINDOW_MS, type RetryTiming } from "./delivery-policy";
import { webhookSignature } from "./webhook-signature";

describe("classifyAnswer", () => {
  it("delivers on 2xx, retries 429, 5xx, timeouts and network errors, fails other 4xx", () => {
    expect(classifyAnswer(204)).toEqual({ kind: "delivered" });
    expect(classifyAnswer(429).kind).toBe("retry");
    expect(classifyAnswer(503).kind).toBe("retry");
    expect(classifyAnswer("timeout").kind).toBe("retry");
    expect(classifyAnswer("network-error").kind).toBe("retry");
    expect(classifyAnswer(400)).toEqual({ kind: "failed", reason: "answered 400" });
    expect(classifyAnswer(301).kind).toBe("failed");
  });

  it("carries Retry-After only for 429 and 503", () => {
    expect(classifyAnswer(429, 2)).toEqual({ kind: "retry", reason: "answered 429", retryAfterSeconds: 2 });
    expect(classifyAnswer(503, 0)).toEqual({ kind: "retry", reason: "answered 503", retryAfterSeconds: 0 });
    expect(classifyAnswer(500, 2)).toEqual({ kind: "retry", reason: "answered 500" });
    expect(classifyAnswer(429, null)).toEqual({ kind: "retry", reason: "answered 429" });
    expect(classifyAnswer(400, 2)).toEqual({ kind: "failed", reason: "answered 400" });
  });
});

describe("nextRetryDelaySeconds", () => {
  const at = (attempts: number, now: number, random: number, more: Partial<RetryTiming> = {}) =>
    nextRetryDelaySeconds({ attempts, firstAttemptAt: 0, now, random, ...more });

  it("backs off exponentially with equal jitter, capped at an hour, and gives up after 4 hours", () => {
    expect(at(1, 0, 0)).toBe(5);
    expect(at(1, 0, 1)).toBe(10);
    expect(at(4, 0, 1)).toBe(80);
    expect(at(20, 0, 1)).toBe(3_600);
    expect(at(20, RETRY_WINDOW_MS - 1_000_000, 0.999)).toBeNull();
    let attempts = 0;
    for (let now = 0; at(attempts + 1, now, 0.5) !== null; attempts += 1) now += at(attempts + 1, now, 0.5)! * 1000;
    expect(attempts).toBeGreaterThan(8);
  });

  it("starts from a configured first delay and still doubles from it", () => {
    expect(at(1, 0, 1, { firstDelaySeconds: 1 })).toBe(1);
    expect(at(3, 0, 1, { firstDelaySeconds: 1 })).toBe(4);
    expect(at(1, 0, 0, { firstDelaySeconds: 1 })).toBe(1);
  });

  it("waits what Retry-After asked instead of the backoff, at least a second", () => {
    expect(at(1, 0, 0, { retryAfterSeconds: 2 })).toBe(2);
    expect(at(6, 0, 1, { retryAfterSeconds: 2 })).toBe(2); // shorter than the backoff's step too
    expect(at(1, 0, 0, { retryAfterSeconds: 1_800.2 })).toBe(1_801);
    expect(at(1, 0, 0, { retryAfterSeconds: 0 })).toBe(1);
  });

  it("gives up when Retry-After asks for a wait past the 4-hour window", () => {
    expect(at(1, 0, 0, { retryAfterSeconds: 4 * 3_600 })).toBe(4 * 3_600);
    expect(at(1, 0, 0, { retryAfterSeconds: 4 * 3_600 + 1 })).toBeNull();
    expect(at(3, RETRY_WINDOW_MS - 60_000, 0, { retryAfterSeconds: 61 })).toBeNull();
    expect(at(3, RETRY_WINDOW_MS - 60_000, 0, { retryAfterSeconds: 59 })).toBe(59);
  });

  it("never asks the queue for more than its longest delay", () => {
    expect(MAX_QUEUE_DELAY_SECONDS).toBeLessThanOrEqual(43_200);
    expect(MAX_QUEUE_DELAY_SECONDS * 1000).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
  });
});

describe("describeExhausted", () => {
  it("says whether the window ran out or the destination asked for too long", () => {
    expect(describeExhausted(null)).toBe("retries exhausted: still failing 4 hours after the first attempt");
    expect(describeExhausted(86_400)).toMatch(/asked to wait 86400 s \(Retry-After\)/);
  });
});

describe("webhookSignature", () => {
  it("is hex HMAC-SHA1 of the body with the shared secret (RFC 2202-style vector)", async () => {
    expect(await webhookSignature("key", "The quick brown fox jumps over the lazy dog")).toBe("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
  });
});
