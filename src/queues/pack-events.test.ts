import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../spec/accepted-event";
import { groupIntoSendBatches, MAX_SEND_BATCH_BYTES } from "./send-messages";
import { MAX_MESSAGE_BYTES } from "./pack-by-size";
import { packEventsIntoMessages } from "./pack-events";

function eventOfBytes(n: number, id: number): AcceptedEvent {
  return {
    type: "track",
    event: "E",
    userId: "u",
    messageId: `m${id}`,
    receivedAt: "2026-01-01T00:00:00.000Z",
    timestamp: "2026-01-01T00:00:00.000Z",
    projectId: "s",
    context: {},
    properties: { pad: "x".repeat(n) },
  };
}

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

describe("packEventsIntoMessages", () => {
  it("puts small events in one message", () => {
    const events = Array.from({ length: 50 }, (_, i) => eventOfBytes(100, i));
    const messages = packEventsIntoMessages(events);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body.events).toEqual(events);
  });

  it("splits a 500 KB batch into messages under the queue's 128,000-byte limit, losing nothing", () => {
    const events = Array.from({ length: 16 }, (_, i) => eventOfBytes(31 * 1024, i));
    const messages = packEventsIntoMessages(events);
    expect(messages.length).toBe(6);
    for (const [i, message] of messages.entries()) {
      expect(jsonBytes(message.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(message.bytes).toBe(jsonBytes(message.body));
      // As few messages as fit: the next message's first event would not have fit in this one.
      const next = messages[i + 1]?.body.events[0];
      if (next) expect(message.bytes + jsonBytes(next) + 1).toBeGreaterThan(MAX_MESSAGE_BYTES);
    }
    expect(messages.flatMap((m) => m.body.events.map((e) => e.messageId))).toEqual(events.map((e) => e.messageId));
  });
});

describe("groupIntoSendBatches", () => {
  it("respects the 256 KB and 100-message limits of one sendBatch call", () => {
    const big = packEventsIntoMessages(Array.from({ length: 16 }, (_, i) => eventOfBytes(31 * 1024, i)));
    const calls = groupIntoSendBatches(big);
    expect(calls.length).toBe(3);
    for (const call of calls) expect(call.reduce((sum, m) => sum + m.bytes, 0)).toBeLessThanOrEqual(MAX_SEND_BATCH_BYTES);

    const many = Array.from({ length: 250 }, (_, i) => ({ body: { v: 1 as const, events: [] }, bytes: 10 + i * 0 }));
    expect(groupIntoSendBatches(many).map((call) => call.length)).toEqual([100, 100, 50]);
  });
});
