import { z } from "zod";

/**
 * Test-only faults for the queue consumers, so the reliability suite (test/reliability) can prove
 * that every stage is safe to crash anywhere and run again. Armed only when the test hooks are on
 * (`SLUICE_TEST_HOOKS` is `1`: neither `npm run dev` nor a deployment sets it, and with it the
 * Worker serves loopback addresses only, see loopback-only.ts) and `SLUICE_TEST_FAULTS` holds a
 * plan: `{"seed":7,"rate":0.08,"rates":{…},"points":[…],"trace":true}`. Then, per consumer invocation,
 * each listed point throws an `InjectedFault` once with probability `rate` (or its own in `rates`), and every fault (and, with
 * `trace`, every invocation) is logged with the messageIds it concerns, so a test can tell the
 * duplicates a crash explains from the ones nothing does.
 */
export const FAULT_POINTS = [
  /** EVENTS: before the dedupe commit, so nothing of the batch is archived yet. */
  "events.before-archive",
  /** EVENTS: after the commit (events archived), before the hand-offs and the ack. */
  "events.after-archive",
  /** EVENTS: after the hand-offs to identity and destinations, before the ack. */
  "events.before-ack",
  /** IDENTITY: before anything is resolved. */
  "identity.before-resolve",
  /** IDENTITY: right after one of the Durable Object writes of a resolution landed (mid-profile write). */
  "identity.after-write",
  /** IDENTITY: everything resolved, before the ack. */
  "identity.before-ack",
  /** DELIVERIES: before any request to a destination. */
  "deliveries.before-send",
  /** DELIVERIES: a message's requests answered and its retry queued, before its ack. */
  "deliveries.before-ack",
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/**
 * Points hit many times per invocation fire at a random hit among the first this many, so a
 * crash lands anywhere in the run of writes, not always at the first.
 */
const HITS_SPREAD: Partial<Record<FaultPoint, number>> = { "identity.after-write": 40 };

const probability = z.number().min(0).max(1);
const faultPlanSchema = z.object({
  seed: z.number().int(),
  rate: probability,
  /** Rates of single points, in place of `rate`. */
  rates: z.partialRecord(z.enum(FAULT_POINTS), probability).default({}),
  points: z.array(z.enum(FAULT_POINTS)).default([...FAULT_POINTS]),
  trace: z.boolean().default(false),
});

export type FaultPlan = z.infer<typeof faultPlanSchema>;

export interface TestHooksEnv {
  SLUICE_TEST_HOOKS?: string;
  SLUICE_TEST_FAULTS?: string;
}

/**
 * The fault plan, or null when faults are off: always without the test hooks, whatever
 * `SLUICE_TEST_FAULTS` says. A plan that does not parse throws: a test that asked for faults
 * must not run quietly without them.
 */
export function readFaultPlan(env: TestHooksEnv): FaultPlan | null {
  if (env.SLUICE_TEST_HOOKS !== "1" || !env.SLUICE_TEST_FAULTS) return null;
  let json: unknown;
  try {
    json = JSON.parse(env.SLUICE_TEST_FAULTS);
  } catch {
    throw new Error('SLUICE_TEST_FAULTS is not JSON: send a plan like {"seed":1,"rate":0.05}');
  }
  const parsed = faultPlanSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`SLUICE_TEST_FAULTS is not a fault plan: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  return parsed.data;
}

export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
  constructor(readonly point: FaultPoint) {
    super(`fault injected at ${point} (SLUICE_TEST_FAULTS)`);
  }
}

export interface FaultSwitch {
  /** False when no plan is armed: call sites may then skip their wrapping altogether. */
  readonly armed: boolean;
  /**
   * Throws an `InjectedFault` when this invocation's plan fires at `point` on this hit.
   * `concerns`: the messageIds the crash interrupts, when not the whole batch's.
   */
  hit(point: FaultPoint, concerns?: () => string[]): void;
}

export const NO_FAULTS: FaultSwitch = { armed: false, hit: () => {} };

/**
 * One invocation's faults, drawn up front: for each planned point, whether it fires and at which
 * hit. `report` runs just before a fault is thrown. Pure given `random`.
 */
export function armFaults(plan: FaultPlan, random: () => number, report: (point: FaultPoint, concerns?: () => string[]) => void): FaultSwitch {
  const firesAt = new Map<FaultPoint, number>();
  for (const point of plan.points) {
    if (random() < (plan.rates[point] ?? plan.rate)) firesAt.set(point, 1 + Math.floor(random() * (HITS_SPREAD[point] ?? 1)));
  }
  const hits = new Map<FaultPoint, number>();
  return {
    armed: true,
    hit(point, concerns) {
      const at = firesAt.get(point);
      if (at === undefined) return;
      const count = (hits.get(point) ?? 0) + 1;
      hits.set(point, count);
      if (count !== at) return;
      report(point, concerns);
      throw new InjectedFault(point);
    },
  };
}

/**
 * Runs one consumer invocation and ends an injected fault the way Cloudflare ends a crashed
 * invocation: every message not yet acknowledged comes back (`retryAll`). Letting the fault
 * escape would mean the same to the queue, but in wrangler dev exceptions escaping queue handlers
 * went with bursts of requests answered 503 and once with a queue dispatch that never ended,
 * stalling its queue (README, Tests): the emulator's trouble, not what a crash does on Cloudflare.
 * Other errors still escape.
 */
export async function endInjectedFaults(batch: { retryAll(): void }, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof InjectedFault)) throw error;
    batch.retryAll();
  }
}

/** mulberry32: a small seeded generator, so a plan's seed replays the same faults in one isolate. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The messageIds a queue message carries (EVENTS, IDENTITY and DELIVERIES bodies all hold
 * `events`), whether queued as JSON text (contentType "text", as the edge sends them) or as an object.
 */
export function messageIdsIn(body: unknown): string[] {
  let envelope = body;
  if (typeof body === "string") {
    try {
      envelope = JSON.parse(body);
    } catch {
      return [];
    }
  }
  const events = (envelope as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return [];
  return events.flatMap((event) => {
    const id = (event as { messageId?: unknown } | null)?.messageId;
    return typeof id === "string" ? [id] : [];
  });
}

/** One generator per plan per isolate, so consecutive invocations draw different faults. */
const generators = new Map<string, () => number>();

/**
 * The faults of one consumer invocation of `queue`, logged as JSON lines the reliability suite
 * reads from the server's output (`sluiceTest`: `received` with `trace`, and `fault`).
 */
export function consumerFaults(env: TestHooksEnv, queue: string, messages: readonly { body: unknown }[]): FaultSwitch {
  const plan = readFaultPlan(env);
  if (!plan) return NO_FAULTS;
  const messageIds = () => messages.flatMap((message) => messageIdsIn(message.body));
  if (plan.trace) console.log(JSON.stringify({ sluiceTest: "received", queue, at: Date.now(), messageIds: messageIds() }));
  let random = generators.get(env.SLUICE_TEST_FAULTS!);
  if (!random) generators.set(env.SLUICE_TEST_FAULTS!, (random = seededRandom(plan.seed)));
  return armFaults(plan, random, (point, concerns = messageIds) =>
    console.log(JSON.stringify({ sluiceTest: "fault", point, queue, at: Date.now(), messageIds: concerns() })),
  );
}
