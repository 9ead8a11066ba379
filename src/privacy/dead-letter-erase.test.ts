import { describe, expect, it } from "vitest";
import type { DeadLetterRecord } from "../queues/dead-letter";
import { coveredFrom } from "./covered";
import { eraseFromDeadLetter } from "./dead-letter-erase";

const covered = coveredFrom(["user_id:gone", "email:gone@example.com"]);
const record = (body: unknown): DeadLetterRecord => ({
  queue: "sluice-deliveries-dlq",
  originalQueue: "sluice-deliveries",
  messageId: "m",
  reason: "answered 400",
  attempts: 1,
  deadLetteredAt: "2026-01-01T00:00:00.000Z",
  body,
});
const event = (userId: string, extra: object = {}) => ({ type: "track", event: "Viewed", userId, messageId: `${userId}-1`, ...extra });

describe("eraseFromDeadLetter", () => {
  it("deletes one delivery, or one unreadable event, of theirs; keeps another person's", () => {
    expect(eraseFromDeadLetter(record({ destinationId: "d", event: event("gone") }), covered)).toEqual({ action: "delete", removedEvents: 1 });
    expect(eraseFromDeadLetter(record(event("gone", { timestamp: "bad" })), covered)).toEqual({ action: "delete", removedEvents: 1 });
    expect(eraseFromDeadLetter(record({ destinationId: "d", event: event("other") }), covered)).toEqual({ action: "keep" });
  });

  it("rewrites a message of several people's events without theirs, or deletes it when only theirs were in it", () => {
    const mixed = record({
      v: 1,
      destinationId: "d",
      events: [event("other"), event("gone"), event("x", { traits: {}, context: { traits: { email: "gone@example.com" } } })],
    });
    expect(eraseFromDeadLetter(mixed, covered)).toEqual({
      action: "rewrite",
      removedEvents: 2,
      record: { ...mixed, body: { v: 1, destinationId: "d", events: [event("other")] } },
    });
    expect(eraseFromDeadLetter(record({ v: 1, events: [event("gone")] }), covered)).toEqual({ action: "delete", removedEvents: 1 });
  });

  it("deletes whole a letter that still names them where no event can be read", () => {
    expect(eraseFromDeadLetter(record({ v: 99, events: "unreadable", who: ["gone"] }), covered)).toEqual({ action: "delete", removedEvents: 0 });
    expect(eraseFromDeadLetter(record({ v: 99, note: "nobody here" }), covered)).toEqual({ action: "keep" });
  });
});
