import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../spec/accepted-event";
import { groupIntoSendBatches, MAX_SEND_BATCH_BYTES } from "./send-messages";
import { MAX_MESSAGE_BYTES } from "./pack-by-size";
import { packEventsIntoMessages, serializeEvent, type EventsMessage } from "./pack-events";

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

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;
const jsonBytes = (value: unknown) => utf8Bytes(JSON.stringify(value));
const decode = (body: string) => JSON.parse(body) as EventsMessage;

describe("packEventsIntoMessages", () => {
  it("puts small events in one message, the JSON text of the envelope", () => {
    const events = Array.from({ length: 50 }, (_, i) => eventOfBytes(100, i));
    const messages = packEventsIntoMessages(events.map(serializeEvent));
    expect(messages).toHaveLength(1);
    expect(decode(messages[0]!.body)).toEqual({ v: 1, events });
    expect(messages[0]!.bytes).toBe(utf8Bytes(messages[0]!.body));
  });

  it("marks forwarded events in the envelope", () => {
    const events = [eventOfBytes(10, 1), eventOfBytes(10, 2)];
    const [message] = packEventsIntoMessages(events.map(serializeEvent), { forwarded: true });
    expect(decode(message!.body)).toEqual({ v: 1, forwarded: true, events });
    expect(message!.bytes).toBe(utf8Bytes(message!.body));
  });

  it("counts bytes, not characters, of events outside ASCII", () => {
    const event = { ...eventOfBytes(0, 1), properties: { name: "Zürich 🚲" } };
    const serialized = serializeEvent(event);
    expect(serialized.bytes).toBe(jsonBytes(event));
    expect(serialized.bytes).toBeGreaterThan(serialized.json.length);
    const [message] = packEventsIntoMessages([serialized]);
    expect(message!.bytes).toBe(utf8Bytes(message!.body));
  });

  it("splits a 500 KB batch into messages under the queue's 128,000-byte limit, losing nothing", () => {
    const events = Array.from({ length: 16 }, (_, i) => eventOfBytes(31 * 1024, i));
    const messages = packEventsIntoMessages(events.map(serializeEvent));
    expect(messages.length).toBe(6);
    for (const [i, message] of messages.entries()) {
      expect(utf8Bytes(message.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(message.bytes).toBe(utf8Bytes(message.body));
      // As few messages as fit: the next message's first event would not have fit in this one.
      const next = messages[i + 1] && decode(messages[i + 1]!.body).events[0];
      if (next) expect(message.bytes + jsonBytes(next) + 1).toBeGreaterThan(MAX_MESSAGE_BYTES);
    }
    expect(messages.flatMap((m) => decode(m.body).events.map((e) => e.messageId))).toEqual(events.map((e) => e.messageId));
  });
});

describe("groupIntoSendBatches", () => {
  it("respects the 256 KB and 100-message limits of one sendBatch call", () => {
    const big = packEventsIntoMessages(Array.from({ length: 16 }, (_, i) => serializeEvent(eventOfBytes(31 * 1024, i))));
    const calls = groupIntoSendBatches(big);
    expect(calls.length).toBe(3);
    for (const call of calls) expect(call.reduce((sum, m) => sum + m.bytes, 0)).toBeLessThanOrEqual(MAX_SEND_BATCH_BYTES);

    const many = Array.from({ length: 250 }, (_, i) => ({ body: { v: 1 as const, events: [] }, bytes: 10 + i * 0 }));
    expect(groupIntoSendBatches(many).map((call) => call.length)).toEqual([100, 100, 50]);
  });
});
