import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { consumeIdentityBatch } from "./consume-identity";

const event = (messageId: string): AcceptedEvent => ({
  type: "track",
  event: "Viewed",
  anonymousId: `anon-${messageId}`,
  messageId,
  projectId: "src",
  receivedAt: "2026-03-01T00:00:00.000Z",
  timestamp: "2026-03-01T00:00:00.000Z",
  context: {},
});

describe("consumeIdentityBatch", () => {
  it("resolves the whole batch in one call, in message order, and retries only messages with an unresolved event", async () => {
    const calls: string[][] = [];
    const summary = await consumeIdentityBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [event("a"), event("b")] } },
        { id: "q2", attempts: 3, body: { v: 1, events: [event("c")] } },
        { id: "q3", attempts: 1, body: { v: 1, events: [event("d")] } },
      ],
      {
        queue: "sluice-identity",
        random: () => 0.5,
        resolve: (events) => {
          calls.push(events.map((e) => e.messageId));
          const c = events.findIndex((e) => e.messageId === "c");
          return Promise.resolve({
            violations: [{ reason: "ID value blocked", type: "anonymous_id", message: "blocked", messageId: "a" }],
            failed: new Set([c]),
          });
        },
      },
    );
    expect(calls).toEqual([["a", "b", "c", "d"]]);
    expect(summary.outcomes.map((outcome) => outcome.kind)).toEqual(["ack", "retry", "ack"]);
    expect(summary.resolved).toBe(3);
    expect(summary.violations).toHaveLength(1);
  });

  it("dead-letters unreadable messages and events alone; their neighbours resolve", async () => {
    const seen: string[] = [];
    const summary = await consumeIdentityBatch(
      [
        { id: "q1", attempts: 1, body: "not an events message" },
        { id: "q2", attempts: 1, body: { v: 1, events: [{ type: "track" }, event("ok")] } },
      ],
      {
        queue: "sluice-identity",
        random: () => 0.5,
        resolve: (events) => {
          seen.push(...events.map((e) => e.messageId));
          return Promise.resolve({ violations: [], failed: new Set() });
        },
      },
    );
    expect(seen).toEqual(["ok"]);
    expect(summary.outcomes.map((outcome) => outcome.kind)).toEqual(["ack", "ack"]);
    // An unreadable event is keyed by its message and its place in it, so two never share a dead letter.
    expect(summary.deadLetters.map((letter) => letter.deadLetter.messageId)).toEqual(["q1", "q2-0"]);
    expect(summary.deadLetters[0]!.deadLetter.reason).toMatch(/unreadable events message/);
    expect(summary.deadLetters[1]!.deadLetter.reason).toMatch(/unreadable event: messageId/);
  });
});
