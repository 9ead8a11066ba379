import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../spec/accepted-event";
import { packEventsIntoMessages, serializeEvent } from "../queues/pack-events";
import { decodeBatch, decodeEventsMessage } from "./events-message";

const event = (messageId: string): AcceptedEvent => ({
  type: "track",
  event: "Viewed",
  anonymousId: "a1",
  messageId,
  projectId: "src",
  receivedAt: "2026-03-01T00:00:00.000Z",
  timestamp: "2026-03-01T00:00:00.000Z",
  context: { page: { title: "Zürich 🚲" } },
});

describe("decodeEventsMessage", () => {
  it("reads the JSON text senders queue now and the object earlier versions queued", () => {
    const events = [event("m1"), event("m2")];
    const [text] = packEventsIntoMessages(events.map(serializeEvent));
    expect(decodeEventsMessage(text!.body)).toEqual({ ok: true, events, unreadable: [], forwarded: false });
    expect(decodeEventsMessage({ v: 1, events })).toEqual({ ok: true, events, unreadable: [], forwarded: false });
  });

  it("keeps the forwarded mark in both forms", () => {
    const [text] = packEventsIntoMessages([serializeEvent(event("m1"))], { forwarded: true });
    expect(decodeEventsMessage(text!.body)).toMatchObject({ ok: true, forwarded: true });
    expect(decodeEventsMessage({ v: 1, events: [event("m1")], forwarded: true })).toMatchObject({ ok: true, forwarded: true });
  });

  it("refuses text that is not JSON, and an unknown envelope in either form", () => {
    expect(decodeEventsMessage('{"v":1,"events":[')).toEqual({ ok: false, reason: expect.stringContaining("not JSON") as string });
    expect(decodeEventsMessage('{"v":2,"events":[]}')).toMatchObject({ ok: false });
    expect(decodeEventsMessage({ v: 2, events: [] })).toMatchObject({ ok: false });
  });
});

describe("decodeBatch", () => {
  it("decodes a batch mixing both forms, in order, and dead-letters only the unreadable message", () => {
    const [text] = packEventsIntoMessages([serializeEvent(event("new-1")), serializeEvent(event("new-2"))]);
    const { entries, deadLetters } = decodeBatch("sluice-events", [
      { id: "q1", body: { v: 1, events: [event("old-1")] } },
      { id: "q2", body: text!.body },
      { id: "q3", body: "not json" },
    ]);
    expect(entries.map((entry) => [entry.owner, entry.message, entry.event.messageId])).toEqual([
      ["q1", 0, "old-1"],
      ["q2", 1, "new-1"],
      ["q2", 1, "new-2"],
    ]);
    expect(deadLetters).toEqual([
      { deadLetter: { queue: "sluice-events", messageId: "q3", reason: expect.stringContaining("not JSON") as string }, body: "not json" },
    ]);
  });
});
