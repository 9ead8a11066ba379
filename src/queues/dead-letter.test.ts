import { describe, expect, it } from "vitest";
import { classifyQueue, deadLetterKey, deadLetterRecord, destinationOfDeadLetter } from "./dead-letter";

const now = new Date("2026-02-03T04:05:06.000Z");

describe("dead letters", () => {
  it("tells queues apart by name, including renamed deployments", () => {
    expect(classifyQueue("sluice-events")).toBe("events");
    expect(classifyQueue("sluice-staging-events")).toBe("events");
    expect(classifyQueue("sluice-events-dlq")).toBe("dead-letter");
    expect(classifyQueue("sluice-deliveries")).toBe("deliveries");
    expect(classifyQueue("sluice-identity")).toBe("identity");
    expect(classifyQueue("sluice-identity-dlq")).toBe("dead-letter");
    expect(classifyQueue("something-else")).toBeUndefined();
  });

  it("keeps the reason of a message sent on purpose, and says when retries ran out", () => {
    const wrapped = { deadLetter: { queue: "sluice-events", messageId: "m1", reason: "unreadable" }, body: { v: 9 } };
    expect(deadLetterRecord("sluice-events-dlq", { id: "dlq-id", attempts: 1, body: wrapped }, now)).toEqual({
      queue: "sluice-events-dlq",
      originalQueue: "sluice-events",
      messageId: "m1",
      reason: "unreadable",
      attempts: 1,
      deadLetteredAt: now.toISOString(),
      body: { v: 9 },
    });
    expect(deadLetterRecord("sluice-events-dlq", { id: "m2", attempts: 3, body: { v: 1 } }, now)).toMatchObject({
      messageId: "m2",
      reason: "retries exhausted",
      body: { v: 1 },
    });
    // Events messages queued as JSON text are kept parsed, as the object form is, so their events
    // can be read (and a deletion can find the people in them); text that is not JSON stays text.
    const events = [{ type: "track", userId: "u1", messageId: "e1" }];
    expect(deadLetterRecord("sluice-events-dlq", { id: "m3", attempts: 11, body: JSON.stringify({ v: 1, events }) }, now).body).toEqual({ v: 1, events });
    const unreadable = { deadLetter: { queue: "sluice-events", messageId: "m4", reason: "unreadable" }, body: '{"v":1,"events":[' };
    expect(deadLetterRecord("sluice-events-dlq", { id: "dlq-4", attempts: 1, body: unreadable }, now).body).toBe('{"v":1,"events":[');
    expect(deadLetterKey("sluice-events-dlq", "m1", now)).toBe("dead-letter/sluice-events-dlq/2026-02-03/m1.json");
    // Deliveries are kept per destination; a client's messageId cannot add path segments.
    expect(deadLetterKey("sluice-deliveries-dlq", "q1-a/b", now, "dst1")).toBe("dead-letter/sluice-deliveries-dlq/dst1/2026-02-03/q1-a%2Fb.json");
  });
});

describe("destinationOfDeadLetter", () => {
  it("names the destination of a per-event or whole-message delivery, and nothing else", () => {
    expect(destinationOfDeadLetter({ body: { destinationId: "d1", event: {} } })).toBe("d1");
    expect(destinationOfDeadLetter({ body: { v: 1, destinationId: "d2", events: [] } })).toBe("d2");
    expect(destinationOfDeadLetter({ body: { v: 1, events: [] } })).toBeUndefined();
    expect(destinationOfDeadLetter({ body: "text" })).toBeUndefined();
  });
});
