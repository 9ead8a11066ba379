import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../spec/accepted-event";
import { deliverMessage, type DeliveriesMessage } from "./consume-deliveries";
import { BUILT_IN_TYPES } from "./types";
import { webhookSettings } from "./types/webhook";

const event = (messageId: string) => ({ type: "track", messageId, receivedAt: "2026-03-01T00:00:00.000Z" }) as unknown as AcceptedEvent;
const message = (overrides: Partial<DeliveriesMessage> = {}): DeliveriesMessage => ({
  v: 1,
  destinationId: "d1",
  events: [event("ok"), event("busy"), event("bad")],
  attempts: 0,
  firstQueuedAt: "2026-03-01T00:00:00.000Z",
  ...overrides,
});

const statusFor: Record<string, number> = { ok: 200, busy: 503, bad: 400 };
/** The webhook posts each event as JSON text. */
const messageIdOf = (init: RequestInit) => (JSON.parse(init.body as string) as { messageId: string }).messageId;
const fetcher = ((_url: string, init: RequestInit) => Promise.resolve(new Response(null, { status: statusFor[messageIdOf(init)] }))) as typeof fetch;
const destination = { enabled: true, type: BUILT_IN_TYPES.webhook!, settings: webhookSettings.parse({ url: "https://hooks.example.com" }) };
const found = () => Promise.resolve(destination);

describe("deliverMessage", () => {
  it("retries only what failed in a retryable way, dead-letters a 4xx, and measures latency", async () => {
    const now = Date.parse("2026-03-01T00:00:02.000Z");
    const decision = await deliverMessage(message(), { destination: found, fetcher, now: () => now, random: () => 1 });
    expect(decision.delivered).toBe(1);
    expect(decision.latenciesMs).toEqual([2_000]);
    expect(decision.retry).toEqual({ message: message({ events: [event("busy")], attempts: 1 }), delaySeconds: 10 });
    expect(decision.deadLetters.map((letter) => [letter.event.messageId, letter.reason])).toEqual([["bad", expect.stringMatching(/answered 400/)]]);
  });

  it("dead-letters what still fails 4 hours after the first attempt", async () => {
    const now = Date.parse("2026-03-01T04:00:00.000Z");
    const decision = await deliverMessage(message({ events: [event("busy")], attempts: 12 }), {
      destination: found,
      fetcher,
      now: () => now,
      random: () => 0.5,
    });
    expect(decision.retry).toBeNull();
    expect(decision.deadLetters[0]!.reason).toMatch(/retries exhausted/);
  });

  it("waits what a 429's Retry-After asked, the longest of the message's requests, and dead-letters a wait past the window", async () => {
    const asking = (asked: Record<string, string>) =>
      ((_url: string, init: RequestInit) =>
        Promise.resolve(new Response(null, { status: 429, headers: { "Retry-After": asked[messageIdOf(init)]! } }))) as typeof fetch;
    const now = Date.parse("2026-03-01T00:00:02.000Z");
    const deps = { destination: found, now: () => now, random: () => 0 };
    const waited = await deliverMessage(message({ events: [event("a"), event("b")] }), { ...deps, fetcher: asking({ a: "2", b: "30" }) });
    expect(waited.retry?.delaySeconds).toBe(30);
    expect(waited.retry?.message.events.map((retried) => retried.messageId)).toEqual(["a", "b"]);
    const tooLong = await deliverMessage(message({ events: [event("a")] }), { ...deps, fetcher: asking({ a: String(5 * 3_600) }) });
    expect(tooLong.retry).toBeNull();
    expect(tooLong.deadLetters[0]!.reason).toMatch(/retries exhausted: the destination asked to wait 18000 s \(Retry-After\)/);
  });

  it("drops and counts events for a destination that was disabled or deleted", async () => {
    const disabled = await deliverMessage(message(), {
      destination: () => Promise.resolve({ ...destination, enabled: false }),
      fetcher,
      now: Date.now,
      random: Math.random,
    });
    expect(disabled.discarded).toEqual({ count: 3, reason: "Destination disabled" });
    const deleted = await deliverMessage(message(), { destination: () => Promise.resolve(null), fetcher, now: Date.now, random: Math.random });
    expect(deleted.discarded).toEqual({ count: 3, reason: "Destination deleted" });
  });
});
