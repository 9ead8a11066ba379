import { describe, expect, it } from "vitest";
import { classifyAnswer, nextRetryDelaySeconds, RETRY_WINDOW_MS } from "./delivery-policy";
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
});

describe("nextRetryDelaySeconds", () => {
  it("backs off exponentially with jitter, capped at an hour, and gives up after 4 hours", () => {
    const start = 0;
    expect(nextRetryDelaySeconds(1, start, start, 0)).toBe(5);
    expect(nextRetryDelaySeconds(1, start, start, 1)).toBe(10);
    expect(nextRetryDelaySeconds(4, start, start, 1)).toBe(80);
    expect(nextRetryDelaySeconds(20, start, start, 1)).toBe(3_600);
    expect(nextRetryDelaySeconds(20, start, RETRY_WINDOW_MS - 1_000_000, 0.999)).toBeNull();
    let attempts = 0;
    for (let now = start; nextRetryDelaySeconds(attempts + 1, start, now, 0.5) !== null; attempts += 1) {
      now += nextRetryDelaySeconds(attempts + 1, start, now, 0.5)! * 1000;
    }
    expect(attempts).toBeGreaterThan(8);
  });

  it("starts from a configured first delay and still doubles from it", () => {
    expect(nextRetryDelaySeconds(1, 0, 0, 1, 1)).toBe(1);
    expect(nextRetryDelaySeconds(3, 0, 0, 1, 1)).toBe(4);
    expect(nextRetryDelaySeconds(1, 0, 0, 0, 1)).toBe(1);
  });
});

describe("webhookSignature", () => {
  it("is hex HMAC-SHA1 of the body with the shared secret (RFC 2202-style vector)", async () => {
    expect(await webhookSignature("key", "The quick brown fox jumps over the lazy dog")).toBe("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
  });
});
