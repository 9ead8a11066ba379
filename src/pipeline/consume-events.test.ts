import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../spec/accepted-event";
import { consumeEventsBatch } from "./consume-events";
import type { DedupeGateway } from "../dedupe/gateway";
import type { CheckVerdict, CommitVerdict } from "../dedupe/verdicts";

const event = (messageId: string): AcceptedEvent => ({
  type: "track",
  event: "Viewed",
  anonymousId: "a1",
  messageId,
  projectId: "src",
  receivedAt: "2026-03-01T00:00:00.000Z",
  timestamp: "2026-03-01T00:00:00.000Z",
  context: {},
});

/** A dedupe gateway whose verdicts are scripted per messageId. */
function scriptedDedupe(check: Record<string, CheckVerdict>, commit: Record<string, CommitVerdict>): DedupeGateway {
  return {
    check: (entries) => Promise.resolve(entries.map((entry) => check[entry.messageId] ?? "fresh")),
    commit: (entries) => Promise.resolve(entries.map((entry) => commit[entry.event.messageId] ?? "archived")),
  };
}

describe("consumeEventsBatch: hand-off to identity after the archive", () => {
  it("hands off events archived now or by an earlier delivery, in message order, and skips duplicates", async () => {
    const seen: string[][] = [];
    const summary = await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [event("new"), event("dup-early"), event("again")] } },
        { id: "q2", attempts: 2, body: { v: 1, events: [event("retried-early"), event("dup-late")] } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        dedupe: scriptedDedupe({ "dup-early": "duplicate", "retried-early": "retried" }, { "dup-late": "duplicate", again: "retried" }),
        handOffToIdentity: (events) => {
          seen.push(events.map((e) => e.messageId));
          return Promise.resolve();
        },
      },
    );
    expect(seen).toEqual([["new", "again", "retried-early"]]);
    expect(summary.outcomes).toEqual([{ kind: "ack" }, { kind: "ack" }]);
  });

  it("retries the messages whose events were not handed off, and not the others", async () => {
    const summary = await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [event("dup")] } },
        { id: "q2", attempts: 1, body: { v: 1, events: [event("new")] } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        dedupe: scriptedDedupe({ dup: "duplicate" }, {}),
        handOffToIdentity: () => Promise.reject(new Error("identity queue unavailable")),
      },
    );
    expect(summary.outcomes[0]).toEqual({ kind: "ack" });
    expect(summary.outcomes[1]).toMatchObject({ kind: "retry" });
  });
});

describe("consumeEventsBatch: schema discovery", () => {
  it("observes only events archived by this delivery, so a redelivered event counts once", async () => {
    const observed: string[] = [];
    await consumeEventsBatch([{ id: "q1", attempts: 2, body: { v: 1, events: [event("new"), event("seen-before"), event("dup"), event("again")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      dedupe: scriptedDedupe({ "seen-before": "retried", dup: "duplicate" }, { again: "retried" }),
      observe: (events) => {
        observed.push(...events.map((e) => e.received.messageId));
        return Promise.resolve();
      },
    });
    expect(observed).toEqual(["new"]);
  });

  it("acknowledges the batch when discovery fails: counts are diagnostics, the events are archived", async () => {
    const summary = await consumeEventsBatch([{ id: "q1", attempts: 1, body: { v: 1, events: [event("new")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      dedupe: scriptedDedupe({}, {}),
      observe: () => Promise.reject(new Error("D1 unavailable")),
    });
    expect(summary.outcomes).toEqual([{ kind: "ack" }]);
    expect(summary.archived).toBe(1);
  });
});

describe("consumeEventsBatch: tracking plans", () => {
  it("commits blocked events as seen only, never hands them on, and counts them", async () => {
    const committed: { id: string; blocked: boolean | undefined }[] = [];
    const handedOff: string[] = [];
    const summary = await consumeEventsBatch([{ id: "q1", attempts: 1, body: { v: 1, events: [event("ok"), event("bad")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      dedupe: {
        check: (entries) => Promise.resolve(entries.map(() => "fresh" as const)),
        commit: (entries) => {
          committed.push(...entries.map((entry) => ({ id: entry.event.messageId, blocked: entry.blocked })));
          return Promise.resolve(entries.map(() => "archived" as const));
        },
      },
      enforce: (events) => Promise.resolve(events.map((e) => ({ event: e, blocked: e.messageId === "bad" ? "Unplanned Event" : null, violations: [] }))),
      handOffToIdentity: (events) => {
        handedOff.push(...events.map((e) => e.messageId));
        return Promise.resolve();
      },
    });
    expect(committed).toEqual([
      { id: "ok", blocked: false },
      { id: "bad", blocked: true },
    ]);
    expect(handedOff).toEqual(["ok"]);
    expect([summary.archived, summary.blocked]).toEqual([1, 1]);
  });

  it("retries the messages when the plans cannot be read: no event passes unchecked", async () => {
    let commits = 0;
    const summary = await consumeEventsBatch([{ id: "q1", attempts: 1, body: { v: 1, events: [event("ok")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      dedupe: {
        check: (entries) => Promise.resolve(entries.map(() => "fresh" as const)),
        commit: (entries) => ((commits += entries.length), Promise.resolve(entries.map(() => "archived" as const))),
      },
      enforce: () => Promise.reject(new Error("D1 unavailable")),
    });
    expect(commits).toBe(0);
    expect(summary.outcomes[0]).toMatchObject({ kind: "retry" });
  });
});

describe("consumeEventsBatch: the live debugger", () => {
  it("reports duplicates, blocked and archived events with their verdicts, and nothing whose commit failed", async () => {
    const reported: { id: string; duplicate: boolean; blocked: string | null; archived: boolean; owner: string }[] = [];
    await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [event("new"), event("dup"), event("spam")] } },
        { id: "q2", attempts: 1, body: { v: 1, events: [event("lost"), event("dup-late")] } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        dedupe: scriptedDedupe({ dup: "duplicate" }, { lost: "failed", "dup-late": "duplicate" }),
        enforce: (events) => Promise.resolve(events.map((e) => ({ event: e, blocked: e.messageId === "spam" ? "Blocked in Schema" : null, violations: [] }))),
        debug: (events) => {
          reported.push(...events.map((e) => ({ id: e.received.messageId, duplicate: e.duplicate, blocked: e.blocked, archived: e.archived, owner: e.owner })));
          return Promise.resolve();
        },
      },
    );
    expect(reported).toEqual([
      { id: "new", duplicate: false, blocked: null, archived: true, owner: "q1" },
      { id: "dup", duplicate: true, blocked: null, archived: false, owner: "q1" },
      { id: "spam", duplicate: false, blocked: "Blocked in Schema", archived: false, owner: "q1" },
      { id: "dup-late", duplicate: true, blocked: null, archived: false, owner: "q2" },
    ]);
  });

  it("acknowledges the batch and still hands events on when the debugger fails", async () => {
    const handedOff: string[] = [];
    const summary = await consumeEventsBatch([{ id: "q1", attempts: 1, body: { v: 1, events: [event("new")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      dedupe: scriptedDedupe({}, {}),
      debug: () => Promise.reject(new Error("debugger unavailable")),
      fanOut: (events) => {
        handedOff.push(...events.map((e) => e.messageId));
        return Promise.resolve();
      },
    });
    expect(summary.outcomes).toEqual([{ kind: "ack" }]);
    expect(handedOff).toEqual(["new"]);
  });
});

describe("consumeEventsBatch: suppression", () => {
  const person = (messageId: string, userId: string): AcceptedEvent => ({ ...event(messageId), userId });

  it("drops suppressed people's events before every other stage, acks their messages and counts them", async () => {
    const stages: Record<string, string[]> = { check: [], commit: [], enforce: [], observe: [], debug: [], identity: [], fanOut: [], counted: [] };
    const ids = (events: readonly { messageId: string }[]) => events.map((e) => e.messageId);
    const summary = await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [person("gone-1", "suppressed"), person("kept-1", "free")] } },
        { id: "q2", attempts: 1, body: { v: 1, events: [person("gone-2", "suppressed")] } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        suppressed: (events) => Promise.resolve(events.map((e) => e.userId === "suppressed")),
        countSuppressed: (events) => (stages.counted!.push(...ids(events)), Promise.resolve()),
        dedupe: {
          check: (entries) => (stages.check!.push(...entries.map((e) => e.messageId)), Promise.resolve(entries.map(() => "fresh" as const))),
          commit: (entries) => (stages.commit!.push(...ids(entries.map((e) => e.event))), Promise.resolve(entries.map(() => "archived" as const))),
        },
        enforce: (events) => (stages.enforce!.push(...ids(events)), Promise.resolve(events.map((e) => ({ event: e, blocked: null, violations: [] })))),
        observe: (events) => (stages.observe!.push(...ids(events.map((e) => e.received))), Promise.resolve()),
        debug: (events) => (stages.debug!.push(...ids(events.map((e) => e.received))), Promise.resolve()),
        handOffToIdentity: (events) => (stages.identity!.push(...ids(events)), Promise.resolve()),
        fanOut: (events) => (stages.fanOut!.push(...ids(events)), Promise.resolve()),
      },
    );
    const { counted, ...rest } = stages;
    expect(rest).toEqual({
      check: ["kept-1"],
      commit: ["kept-1"],
      enforce: ["kept-1"],
      observe: ["kept-1"],
      debug: ["kept-1"],
      identity: ["kept-1"],
      fanOut: ["kept-1"],
    });
    expect(counted).toEqual(["gone-1", "gone-2"]);
    expect(summary.outcomes).toEqual([{ kind: "ack" }, { kind: "ack" }]);
    expect([summary.archived, summary.suppressed]).toEqual([1, 2]);
  });

  it("retries every message with events when the suppression list cannot be read, and lets nothing through", async () => {
    let checked = 0;
    const summary = await consumeEventsBatch(
      [
        { id: "q1", attempts: 1, body: { v: 1, events: [person("a", "u1")] } },
        { id: "q2", attempts: 3, body: { v: 1, events: [person("b", "u2")] } },
        { id: "q3", attempts: 1, body: { v: 2 } },
      ],
      {
        queue: "sluice-events",
        random: () => 0.5,
        suppressed: () => Promise.reject(new Error("D1 unavailable")),
        dedupe: {
          check: (entries) => ((checked += entries.length), Promise.resolve(entries.map(() => "fresh" as const))),
          commit: (entries) => Promise.resolve(entries.map(() => "archived" as const)),
        },
      },
    );
    expect(checked).toBe(0);
    expect(summary.outcomes.map((o) => o.kind)).toEqual(["retry", "retry", "ack"]);
    expect(summary.deadLetters).toHaveLength(1); // the unreadable message still goes to the DLQ
  });

  it("retries rather than guess when the check answers for fewer events than it was given", async () => {
    const summary = await consumeEventsBatch([{ id: "q1", attempts: 1, body: { v: 1, events: [person("a", "u1"), person("b", "u2")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      suppressed: () => Promise.resolve([false]),
      dedupe: scriptedDedupe({}, {}),
    });
    expect(summary.outcomes[0]).toMatchObject({ kind: "retry" });
  });

  it("still drops and acks suppressed events when they cannot be counted", async () => {
    const summary = await consumeEventsBatch([{ id: "q1", attempts: 1, body: { v: 1, events: [person("a", "suppressed")] } }], {
      queue: "sluice-events",
      random: () => 0.5,
      suppressed: (events) => Promise.resolve(events.map(() => true)),
      countSuppressed: () => Promise.reject(new Error("D1 unavailable")),
      dedupe: scriptedDedupe({}, {}),
    });
    expect(summary.outcomes).toEqual([{ kind: "ack" }]);
    expect([summary.archived, summary.suppressed]).toEqual([0, 1]);
  });
});
