import { describe, expect, it } from "vitest";
import type { DeliveriesMessage } from "../destinations/consume-deliveries";
import type { AcceptedEvent } from "../spec/accepted-event";
import { bySource, deliveryJourneys, entriesFromPipeline } from "./pipeline-entries";

const event = (messageId: string, projectId = "src_1"): AcceptedEvent => ({
  type: "track",
  event: "Viewed",
  anonymousId: "a1",
  messageId,
  projectId,
  receivedAt: "2026-03-01T00:00:00.000Z",
  timestamp: "2026-03-01T00:00:00.000Z",
  context: {},
});

describe("entriesFromPipeline", () => {
  it("makes accepted entries by messageId with the plan's verdict, and duplicates per carrier", () => {
    const violation = { type: "Required" as const, field: "properties.id", description: "properties.id is required" };
    const [passed, violated, blocked, forwarded, duplicate] = entriesFromPipeline([
      { received: event("a"), owner: "q1", duplicate: false, blocked: null, violations: [], forwarded: false, archived: true },
      { received: event("b"), owner: "q1", duplicate: false, blocked: null, violations: [violation], forwarded: false, archived: true },
      { received: event("c"), owner: "q1", duplicate: false, blocked: "Unplanned Event", violations: [], forwarded: false, archived: false },
      { received: event("d"), owner: "q1", duplicate: false, blocked: null, violations: [], forwarded: true, archived: true },
      { received: event("a"), owner: "q2", duplicate: true, blocked: null, violations: [], forwarded: false, archived: false },
    ]);
    expect(passed).toMatchObject({ id: "a", kind: "accepted", journey: { plan: { verdict: "passed" }, blocked: null, archived: true } });
    expect(violated!.journey.plan).toEqual({ verdict: "violated", violations: [violation] });
    expect(blocked!.journey).toMatchObject({ plan: { verdict: "blocked" }, blocked: "Unplanned Event", archived: false });
    expect(forwarded!.journey.plan!.verdict).toBe("not-checked");
    expect(duplicate).toMatchObject({ id: "a#duplicate#q2", messageId: "a", kind: "duplicate", journey: {} });
  });
});

describe("deliveryJourneys", () => {
  const message: DeliveriesMessage = {
    v: 1,
    destinationId: "dst_1",
    events: [event("a"), event("b"), event("c", "src_2")],
    attempts: 1,
    firstQueuedAt: "2026-03-01T00:00:00.000Z",
  };

  it("names each event's outcome with the attempt it was", () => {
    const updates = deliveryJourneys(message, {
      delivered: 1,
      latenciesMs: [],
      retry: { message: { ...message, events: [event("b")], attempts: 2 }, delaySeconds: 4 },
      deadLetters: [{ event: event("c", "src_2"), reason: "destination answered 400; not retried" }],
      discarded: null,
    });
    expect(updates).toEqual([
      { sourceId: "src_1", messageId: "a", journey: { deliveries: { dst_1: { status: "delivered", attempts: 2, outcome: "delivered" } } } },
      { sourceId: "src_1", messageId: "b", journey: { deliveries: { dst_1: { status: "retrying", attempts: 2, outcome: "retried in 4 s" } } } },
      {
        sourceId: "src_2",
        messageId: "c",
        journey: { deliveries: { dst_1: { status: "failed", attempts: 2, outcome: "destination answered 400; not retried" } } },
      },
    ]);
    expect([...bySource(updates).keys()]).toEqual(["src_1", "src_2"]);
  });

  it("marks every event discarded when the destination is gone", () => {
    const updates = deliveryJourneys(message, {
      delivered: 0,
      latenciesMs: [],
      retry: null,
      deadLetters: [],
      discarded: { count: 3, reason: "Destination deleted" },
    });
    expect(updates.map(({ journey }) => journey.deliveries!.dst_1!.status)).toEqual(["discarded", "discarded", "discarded"]);
  });
});
