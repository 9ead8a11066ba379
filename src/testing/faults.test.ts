import { describe, expect, it } from "vitest";
import {
  armFaults,
  consumerFaults,
  endInjectedFaults,
  FAULT_POINTS,
  InjectedFault,
  messageIdsIn,
  readFaultPlan,
  seededRandom,
  type FaultPoint,
} from "./faults";

const PLAN = JSON.stringify({ seed: 7, rate: 0.5 });

describe("readFaultPlan", () => {
  it("is off unless SLUICE_TEST_HOOKS is exactly 1, whatever SLUICE_TEST_FAULTS says", () => {
    for (const hooks of [undefined, "", "0", "true", "yes", " 1"]) {
      expect(readFaultPlan({ SLUICE_TEST_HOOKS: hooks, SLUICE_TEST_FAULTS: PLAN })).toBeNull();
    }
    expect(readFaultPlan({ SLUICE_TEST_HOOKS: "1" })).toBeNull();
    expect(readFaultPlan({ SLUICE_TEST_HOOKS: "1", SLUICE_TEST_FAULTS: "" })).toBeNull();
  });

  it("reads a plan, every point and no trace by default", () => {
    expect(readFaultPlan({ SLUICE_TEST_HOOKS: "1", SLUICE_TEST_FAULTS: PLAN })).toEqual({
      seed: 7,
      rate: 0.5,
      rates: {},
      points: [...FAULT_POINTS],
      trace: false,
    });
    expect(
      readFaultPlan({
        SLUICE_TEST_HOOKS: "1",
        SLUICE_TEST_FAULTS: '{"seed":1,"rate":0,"rates":{"events.after-archive":0.5},"points":["events.before-ack"],"trace":true}',
      }),
    ).toEqual({
      seed: 1,
      rate: 0,
      rates: { "events.after-archive": 0.5 },
      points: ["events.before-ack"],
      trace: true,
    });
  });

  it("throws on a plan that does not parse, naming what is wrong, rather than running without faults", () => {
    const read = (plan: string) => () => readFaultPlan({ SLUICE_TEST_HOOKS: "1", SLUICE_TEST_FAULTS: plan });
    expect(read("{seed")).toThrow(/not JSON/);
    expect(read('{"seed":1,"rate":2}')).toThrow(/rate/);
    expect(read('{"seed":1,"rate":0.1,"points":["events.nowhere"]}')).toThrow(/points/);
    expect(read('{"seed":1,"rate":0.1,"rates":{"events.nowhere":0.5}}')).toThrow(/rates/);
  });
});

describe("armFaults", () => {
  /** Which points fire on their first hit, in one invocation drawn from `random`. */
  function fired(rate: number, random: () => number, points: FaultPoint[] = ["events.before-archive", "events.after-archive"]) {
    const reported: FaultPoint[] = [];
    const faults = armFaults({ seed: 0, rate, rates: {}, points, trace: false }, random, (point) => reported.push(point));
    const thrown = points.filter((point) => {
      try {
        faults.hit(point);
        return false;
      } catch (error) {
        expect(error).toBeInstanceOf(InjectedFault);
        expect((error as InjectedFault).point).toBe(point);
        return true;
      }
    });
    expect(reported).toEqual(thrown);
    return thrown;
  }

  it("never fires at rate 0 and always at rate 1 (single-hit points fire on their first hit)", () => {
    const random = seededRandom(3);
    for (let i = 0; i < 50; i += 1) expect(fired(0, random)).toEqual([]);
    for (let i = 0; i < 50; i += 1) expect(fired(1, random)).toEqual(["events.before-archive", "events.after-archive"]);
  });

  it("fires a point once per invocation at most, at a hit among the first 40 for identity writes", () => {
    const random = seededRandom(11);
    const firedAt: number[] = [];
    for (let run = 0; run < 200; run += 1) {
      const faults = armFaults({ seed: 0, rate: 1, rates: {}, points: ["identity.after-write"], trace: false }, random, () => {});
      for (let hit = 1; hit <= 100; hit += 1) {
        try {
          faults.hit("identity.after-write");
          faults.hit("events.before-ack"); // not planned: never fires
        } catch {
          firedAt.push(hit);
        }
      }
    }
    expect(firedAt).toHaveLength(200);
    expect(Math.min(...firedAt)).toBe(1);
    expect(Math.max(...firedAt)).toBeLessThanOrEqual(40);
    expect(new Set(firedAt).size).toBeGreaterThan(20);
  });

  it("takes a point's own rate over the plan's", () => {
    const faults = armFaults(
      { seed: 0, rate: 0, rates: { "events.after-archive": 1 }, points: ["events.before-archive", "events.after-archive"], trace: false },
      seededRandom(1),
      () => {},
    );
    expect(() => faults.hit("events.before-archive")).not.toThrow();
    expect(() => faults.hit("events.after-archive")).toThrow(InjectedFault);
  });

  it("fires about `rate` of invocations, and the same seed draws the same faults", () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2_000 }, () => fired(0.1, random, ["events.before-ack"]).length);
    };
    const firedRuns = draw(5).reduce((sum, count) => sum + count, 0);
    expect(firedRuns).toBeGreaterThan(140);
    expect(firedRuns).toBeLessThan(260);
    expect(draw(5)).toEqual(draw(5));
    expect(draw(6)).not.toEqual(draw(5));
  });
});

describe("consumerFaults", () => {
  it("is disarmed without the test hooks, and never throws then", () => {
    const messages = [{ body: { v: 1, events: [{ messageId: "a" }] } }];
    for (const env of [
      {},
      { SLUICE_TEST_FAULTS: JSON.stringify({ seed: 1, rate: 1 }) },
      { SLUICE_TEST_HOOKS: "0", SLUICE_TEST_FAULTS: JSON.stringify({ seed: 1, rate: 1 }) },
    ]) {
      const faults = consumerFaults(env, "sluice-events", messages);
      expect(faults.armed).toBe(false);
      for (const point of FAULT_POINTS) expect(() => faults.hit(point)).not.toThrow();
    }
  });

  it("with the hooks and a plan, throws where the plan says", () => {
    const faults = consumerFaults(
      { SLUICE_TEST_HOOKS: "1", SLUICE_TEST_FAULTS: JSON.stringify({ seed: 1, rate: 1, points: ["events.before-ack"] }) },
      "sluice-events",
      [],
    );
    expect(faults.armed).toBe(true);
    expect(() => faults.hit("events.before-archive")).not.toThrow();
    expect(() => faults.hit("events.before-ack")).toThrow(InjectedFault);
  });
});

describe("endInjectedFaults", () => {
  it("ends an injected fault as the platform ends a crashed invocation: every unacknowledged message retried", async () => {
    let retried = 0;
    const batch = { retryAll: () => (retried += 1) };
    await endInjectedFaults(batch, () => Promise.reject(new InjectedFault("events.before-ack")));
    expect(retried).toBe(1);
    await endInjectedFaults(batch, () => Promise.resolve());
    expect(retried).toBe(1);
  });

  it("lets every other error out", async () => {
    const batch = { retryAll: () => expect.unreachable("no retryAll for a real error") };
    await expect(endInjectedFaults(batch, () => Promise.reject(new Error("D1 is down")))).rejects.toThrow("D1 is down");
  });
});

describe("messageIdsIn", () => {
  it("lists the messageIds of a queue body's events and ignores anything else", () => {
    expect(messageIdsIn({ v: 1, events: [{ messageId: "a" }, { messageId: 3 }, null, { messageId: "b" }] })).toEqual(["a", "b"]);
    expect(messageIdsIn({ v: 1, destinationId: "d", events: [{ messageId: "c" }], attempts: 0 })).toEqual(["c"]);
    // As the edge queues them: the envelope's JSON text.
    expect(messageIdsIn('{"v":1,"events":[{"messageId":"t1"},{"messageId":"t2"}]}')).toEqual(["t1", "t2"]);
    for (const body of [null, "x", 1, {}, { events: "no" }]) expect(messageIdsIn(body)).toEqual([]);
  });
});
