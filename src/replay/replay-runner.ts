import { dayPrefixes, partitionOfKey, partitionOverlaps } from "../archive/archive-key";
import { mergeOverlappingUnits } from "../destinations/deliver";
import { describeExhausted, nextRetryDelaySeconds, type DeliveryOutcome } from "../destinations/delivery-policy";
import type { DeliveryCounts } from "../destinations/delivery-stats";
import type { DeliveryUnit } from "../destinations/destination-type";
import type { RegisteredDestinationType, UnitContext } from "../destinations/types";
import { routeToDestination, type RoutedDestination } from "../destinations/fan-out";
import { eventSubjectKeys } from "../privacy/subject-keys";
import { groupArchiveObjects } from "./replay-groups";
import type { ReplaySpec } from "./replay-request";
import { compareReplayKeys, parseArchiveLines, replayOrder, selectForReplay, selectsWholeHour, type ReplayKey } from "./replay-selection";
import type { ReplayPart, ReplayProgress, ReplayStore } from "./replay-store";

/** Events one destination takes per request batch; a request never spans two batches. */
const CHUNK_EVENTS = 100;
/** Wall time one alarm spends before handing over to the next. */
const TICK_BUDGET_MS = 10_000;
/** The rate limit's window: each destination gets `ratePerSecond` events per second at most. */
const PACE_WINDOW_MS = 1_000;
/** Parsed groups kept between alarms (least recently used goes first). */
const CACHED_GROUPS = 2;
/** Archive objects read at once. */
const PARALLEL_READS = 8;
/** Failed ticks in a row (R2, D1 or queue errors, not destination answers) before the replay fails. */
const MAX_FAILED_TICKS = 10;

/**
 * Thrown by a sending window when a destination's part failed unexpectedly, after the other
 * parts' results and the window's stats are saved. `cause` is what the part threw; the message
 * is its message, which `tick` records as the failed attempt.
 */
export class ReplayPartError extends Error {
  override readonly name = "ReplayPartError";
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

interface UnitAnswers {
  final: { position: number; outcome: Exclude<DeliveryOutcome, { kind: "retry" }> }[];
  retry: { events: number[]; retryAfterSeconds?: number } | null;
}

export interface ReplayTarget {
  routed: RoutedDestination;
  /** What its type may need while delivering (sealed settings, saving refreshed tokens). */
  context?: UnitContext;
  type: RegisteredDestinationType;
}

export interface ReplayDeps {
  store: ReplayStore;
  /** Every archive object under an R2 prefix (one day of the source), in key order, with its stored size and recorded event count. */
  listObjects: (prefix: string) => AsyncIterable<{ key: string; size: number; events?: number }>;
  /** An archive object's lines, or null when it is gone. */
  readLines: (key: string) => Promise<string[] | null>;
  destination: (id: string) => Promise<ReplayTarget | null>;
  fetcher: typeof fetch;
  /** Events a destination refused for good, kept for re-drive like live deliveries. */
  deadLetter: (destinationId: string, items: { event: Record<string, unknown>; reason: string }[]) => Promise<void>;
  recordStats: (counts: DeliveryCounts[]) => Promise<void>;
  /** Publishes progress where the admin API lists replays. */
  report: (progress: ReplayProgress) => Promise<void>;
  now: () => number;
  random: () => number;
  firstRetryDelaySeconds?: number;
  /**
   * Identifier keys of people whose deletion may have rewritten the archive since the replay
   * started (src/privacy/erased-keys.ts): a group read before the rewrite still holds them in
   * memory, so each chunk is checked before it is sent. Absent: nothing is checked.
   */
  erasedKeys?: () => Promise<ReadonlySet<string>>;
  /**
   * Which of a chunk's events belong to people suppressed now (src/privacy/suppression-store.ts,
   * one look-up per chunk): a replay re-applies the current suppression list, as live delivery
   * would, and counts them discarded as `suppressed`. Absent: nothing is checked.
   */
  suppressed?: (events: readonly Record<string, unknown>[]) => Promise<boolean[]>;
}

/** A group's selected events in replay order, each with its key. */
type GroupEvents = { key: ReplayKey; event: Record<string, unknown> }[];
type Count = (outcome: string, n: number) => void;

/**
 * Runs a replay one alarm at a time: lists the archive objects of the range (a day per step),
 * counts what they select (each destination's total), then sends every destination its events
 * in timestamp order per hour (all of an hour's objects merged; see replay-groups.ts), each at
 * its own rate and with its own retries, so a slow destination only slows itself. Each request's
 * answer moves the cursor in one transaction before the next request goes out: after a crash
 * only the request in flight is sent again.
 */
export class ReplayRunner {
  private readonly cache = new Map<number, Promise<GroupEvents>>();

  constructor(private readonly deps: ReplayDeps) {}

  /** Does one alarm's work; answers when to run again (epoch ms), or null when the replay is over. */
  async tick(): Promise<number | null> {
    const { store } = this.deps;
    const spec = store.spec();
    if (!spec) return null;
    const started = this.deps.now();
    let next: number | null;
    try {
      next = await this.step(spec, started);
      store.tickSucceeded(new Date(this.deps.now()));
    } catch (error) {
      const failures = store.recordFailure(error instanceof Error ? error.message : String(error), new Date(this.deps.now()));
      if (failures >= MAX_FAILED_TICKS) await this.end("failed", `stopped after ${failures} failed attempts in a row`);
      next = failures >= MAX_FAILED_TICKS ? null : this.deps.now() + 5_000 * failures;
    }
    const progress = store.progress();
    if (progress) await this.deps.report(progress).catch((error: unknown) => console.error(`could not publish progress of replay ${spec.id}`, error));
    return store.phase() === "finished" || store.phase() === "failed" ? null : next;
  }

  /** Ends the replay; events still waiting for a retry leave the `retrying` balance. */
  async end(phase: "finished" | "failed", error?: string): Promise<void> {
    const { store } = this.deps;
    store.setPhase(phase, new Date(this.deps.now()), error);
    await this.deps.recordStats(store.pendingBalance()).catch((failure: unknown) => console.error("could not record replay stats", failure));
  }

  private async step(spec: ReplaySpec, started: number): Promise<number | null> {
    const { store } = this.deps;
    const deadline = started + TICK_BUDGET_MS;
    switch (store.phase()) {
      case "listing":
        return this.list(spec, deadline);
      case "counting": {
        for (const object of store.uncounted(50)) {
          if (this.deps.now() > deadline) return this.deps.now();
          const events = parseArchiveLines((await this.deps.readLines(object.key)) ?? []);
          store.setMatched(object.seq, events.filter((event) => selectForReplay(event, spec)).length);
        }
        if (store.uncounted(1).length > 0) return this.deps.now();
        store.fixTotals();
        store.setPhase("sending", new Date(this.deps.now()));
        return this.deps.now();
      }
      case "sending":
        return this.send(spec, started, deadline);
      default:
        return null;
    }
  }

  /** Lists the range a day at a time (each day one transaction), so any range fits in alarms. */
  private async list(spec: ReplaySpec, deadline: number): Promise<number> {
    const { store } = this.deps;
    const from = new Date(spec.from);
    const to = new Date(spec.to);
    const days = dayPrefixes(spec.sourceId, from, to);
    for (let day = store.listedDays(); day < days.length; day += 1) {
      if (this.deps.now() > deadline) return this.deps.now();
      const objects: { key: string; size: number; matched: number | null }[] = [];
      for await (const object of this.deps.listObjects(days[day]!)) {
        const partition = partitionOfKey(object.key);
        if (!partition || !partitionOverlaps(partition, from, to)) continue;
        // Counted by the archive writer when the replay takes the whole hour: counting skips it.
        const known = object.events !== undefined && selectsWholeHour(partition, spec) ? object.events : null;
        objects.push({ key: object.key, size: object.size, matched: known });
      }
      const groups = groupArchiveObjects(objects);
      store.appendDay(objects.map(({ key, matched }, index) => ({ key, group: groups[index]!, matched })));
    }
    store.setPhase("counting", new Date(this.deps.now()));
    return this.deps.now();
  }

  /**
   * One sending window. Destinations on the same group send side by side; groups take turns, so
   * memory holds about one group however far apart the destinations are.
   */
  private async send(spec: ReplaySpec, started: number, deadline: number): Promise<number | null> {
    const { store } = this.deps;
    const stats: DeliveryCounts[] = [];
    const byGroup = new Map<number, ReplayPart[]>();
    for (const part of store.parts().filter((candidate) => candidate.state === "running")) {
      byGroup.set(part.groupSeq, [...(byGroup.get(part.groupSeq) ?? []), part]);
    }
    const nextRuns: (number | null)[] = [];
    let failure: unknown;
    try {
      for (const group of [...byGroup.keys()].sort((a, b) => a - b)) {
        const settled = await Promise.allSettled(byGroup.get(group)!.map((part) => this.sendPart(spec, part, started, deadline, stats)));
        for (const result of settled) {
          if (result.status === "fulfilled") nextRuns.push(result.value);
          else failure ??= result.reason;
        }
        if (failure) break;
      }
    } finally {
      await this.deps.recordStats(stats).catch((error: unknown) => console.error(`could not record replay ${spec.id} delivery stats`, error));
    }
    if (failure) throw new ReplayPartError(failure);
    if (store.phase() !== "sending") return null; // cancelled meanwhile
    const waiting = nextRuns.filter((at): at is number => at !== null);
    if (waiting.length > 0) return Math.min(...waiting);
    const failed = store.parts().some((part) => part.state === "failed");
    await this.end(failed ? "failed" : "finished", failed ? "a destination could not take the replay; see destinations" : undefined);
    return null;
  }

  /** Sends one destination its share of this window; answers when it wants to run again, or null when done. */
  private async sendPart(spec: ReplaySpec, part: ReplayPart, started: number, deadline: number, stats: DeliveryCounts[]): Promise<number | null> {
    const { store } = this.deps;
    const count: Count = (outcome, n) => n !== 0 && stats.push({ destinationId: part.destinationId, outcome, count: n });
    const target = await this.deps.destination(part.destinationId);
    const gone = !target
      ? "the destination was deleted during the replay"
      : !target.routed.destination.enabled
        ? "the destination was disabled during the replay"
        : !target.routed.destination.sourceIds.includes(spec.sourceId)
          ? "the destination was disconnected from the source during the replay"
          : null;
    if (gone || !target) {
      const pending = store.pending(part.destinationId);
      part.state = "failed";
      part.error = gone;
      store.savePart(part, { removePending: pending.map(({ position }) => position) });
      count("retrying", -pending.length);
      return null;
    }

    if (part.retryAt !== null) {
      if (this.deps.now() < part.retryAt) return part.retryAt;
      const waiting = await this.retryPending(part, target, count);
      if (waiting !== null || store.phase() !== "sending") return waiting;
    }

    let budget = spec.ratePerSecond;
    // A cancel can land between two requests: stop at the next one.
    while (budget > 0 && this.deps.now() < deadline && store.phase() === "sending") {
      const keys = store.groupKeys(part.groupSeq);
      if (keys.length === 0) {
        part.state = "finished";
        store.savePart(part);
        return null;
      }
      let events = await this.readGroup(spec, part.groupSeq, keys);
      let start = part.after ? firstAfter(events, part.after) : 0;
      const size = Math.min(budget, CHUNK_EVENTS);
      if (start < events.length) {
        // A deletion may have run since the group was read: its people leave the group in
        // memory as they left the archive (the total then takes what is left, as for a rewrite).
        const erased = (await this.deps.erasedKeys?.()) ?? new Set<string>();
        if (erased.size > 0 && events.slice(start, start + size).some(({ event }) => isErased(event, erased))) {
          events = this.forgetErased(part.groupSeq, events, erased);
          start = part.after ? firstAfter(events, part.after) : 0;
        }
      }
      if (start >= events.length) {
        // The group as sent may differ from the group as counted (a deletion rewrote an object
        // meanwhile): the total takes what was really there, so the counts add up at the end.
        part.total += part.groupPassed - store.planned(part.groupSeq);
        part.groupSeq += 1;
        part.after = null;
        part.groupPassed = 0;
        store.savePart(part);
        continue;
      }
      const chunk = events.slice(start, start + size);
      budget -= chunk.length;
      const waiting = await this.sendChunk(part, target, chunk, deadline, count);
      if (waiting !== null) return waiting;
    }
    return Math.max(this.deps.now(), started + PACE_WINDOW_MS);
  }

  /**
   * Routes and sends one chunk, request by request in order, saving the cursor after each answer.
   * A retryable answer parks that request's events and the rest of the chunk (order is kept) and
   * answers when to retry; otherwise null, the cursor past the chunk or as far as time allowed.
   */
  private async sendChunk(part: ReplayPart, target: ReplayTarget, chunk: GroupEvents, deadline: number, count: Count): Promise<number | null> {
    const { store } = this.deps;
    const kept: GroupEvents = [];
    const discards = new Map<number, string>();
    const suppressed = (await this.deps.suppressed?.(chunk.map(({ event }) => event))) ?? [];
    for (const [index, { key, event }] of chunk.entries()) {
      if (suppressed[index]) {
        discards.set(index, "suppressed");
        continue;
      }
      const routed = await routeToDestination(event, target.routed);
      if ("discard" in routed) discards.set(index, routed.discard);
      else kept.push({ key, event: routed.event });
    }
    let passed = 0;
    /** Moves the cursor to `key`, counting the events it passes and the discards among them. */
    const passTo = (key: ReplayKey) => {
      for (; passed < chunk.length && compareReplayKeys(chunk[passed]!.key, key) <= 0; passed += 1) {
        part.groupPassed += 1;
        const reason = discards.get(passed);
        if (reason === undefined) continue;
        part.discarded += 1;
        count(`discarded:${reason}`, 1);
      }
      part.after = key;
    };

    const units = await this.unitsFor(
      target,
      kept.map(({ event }) => event),
    );
    for (const [index, unit] of units.entries()) {
      // Cancelled, or a slow destination used up this alarm: the rest of the chunk waits for the next.
      if (store.phase() !== "sending" || this.deps.now() > deadline) return null;
      const answers = await this.answersOf(unit);
      await this.recordFinalAnswers(part, answers, (position) => kept[position]!.event, count);
      const carried = unit.events.map((position) => kept[position]!);
      const retry = answers.retry;
      if (retry) {
        const parked = [...retry.events, ...units.slice(index + 1).flatMap((rest) => rest.events)].map((position) => kept[position]!.event);
        passTo(chunk.at(-1)!.key);
        if (!this.scheduleRetry(part, 1, this.deps.now(), retry.retryAfterSeconds)) {
          // Asked to wait past the whole 4-hour window: exhausted at once, as live delivery does.
          await this.deps.deadLetter(
            part.destinationId,
            parked.map((event) => ({ event, reason: `${describeExhausted(retry.retryAfterSeconds)} (during a replay)` })),
          );
          part.failed += parked.length;
          count("failed", parked.length);
          store.savePart(part);
          return null;
        }
        store.savePart(part, { addPending: parked });
        count("retrying", parked.length);
        count("retry-scheduled", parked.length);
        return part.retryAt;
      }
      passTo(carried.reduce((last, { key }) => (compareReplayKeys(key, last) > 0 ? key : last), carried[0]!.key));
      store.savePart(part);
    }
    passTo(chunk.at(-1)!.key);
    store.savePart(part);
    return null;
  }

  /** Sends the parked events again, in order; answers when to try again, or null once none wait. */
  private async retryPending(part: ReplayPart, target: ReplayTarget, count: Count): Promise<number | null> {
    const { store } = this.deps;
    let pending = store.pending(part.destinationId);
    const erased = (await this.deps.erasedKeys?.()) ?? new Set<string>();
    const gone = erased.size > 0 ? pending.filter(({ event }) => isErased(event, erased)) : [];
    if (gone.length > 0) {
      // Parked before their people were deleted: never sent, counted as discarded.
      part.discarded += gone.length;
      count(`discarded:${SUBJECT_DELETED}`, gone.length);
      count("retrying", -gone.length);
      store.savePart(part, { removePending: gone.map(({ position }) => position) });
      pending = pending.filter((item) => !gone.includes(item));
    }
    const units = await this.unitsFor(
      target,
      pending.map(({ event }) => event),
    );
    for (const [index, unit] of units.entries()) {
      if (store.phase() !== "sending") return null;
      const answers = await this.answersOf(unit);
      const answered = await this.recordFinalAnswers(part, answers, (position) => pending[position]!.event, count);
      count("retrying", -answered.length);
      store.savePart(part, { removePending: answered.map((position) => pending[position]!.position) });
      const retry = answers.retry;
      if (retry) {
        // A destination that took some of them is answering again: back off from the start.
        const tookSome = index > 0 || answered.length > 0;
        const attempts = tookSome ? 1 : part.retryAttempts + 1;
        const since = tookSome ? this.deps.now() : (part.retrySince ?? this.deps.now());
        const rest = [...retry.events, ...units.slice(index + 1).flatMap((later) => later.events)].map((position) => pending[position]!);
        if (this.scheduleRetry(part, attempts, since, retry.retryAfterSeconds)) {
          store.savePart(part);
          count("retry-scheduled", rest.length);
          return part.retryAt;
        }
        await this.deps.deadLetter(
          part.destinationId,
          rest.map(({ event }) => ({ event, reason: `${describeExhausted(retry.retryAfterSeconds)} (during a replay)` })),
        );
        part.failed += rest.length;
        count("failed", rest.length);
        count("retrying", -rest.length);
        this.clearRetry(part);
        store.savePart(part, { removePending: rest.map(({ position }) => position) });
        return null;
      }
    }
    this.clearRetry(part);
    store.savePart(part);
    return null;
  }

  /**
   * The type's units for `events`, none for no events (a batching type would send `[]`); units
   * that share an event (an Actions destination's subscriptions) are sent as one, so each event
   * has one answer and one place in the order.
   */
  private async unitsFor(target: ReplayTarget, events: readonly Record<string, unknown>[]): Promise<DeliveryUnit[]> {
    if (events.length === 0) return [];
    const units = await target.type.units(events, target.routed.destination.settings, target.context);
    return mergeOverlappingUnits(units.filter((unit) => unit.events.length > 0));
  }

  /** Sends one unit: its events with a final answer, grouped by answer, and those to retry with the longest wait asked. */
  private async answersOf(unit: DeliveryUnit): Promise<UnitAnswers> {
    const outcomes = await unit.send(this.deps.fetcher);
    const answers: UnitAnswers = { final: [], retry: null };
    unit.events.forEach((position, index) => {
      const outcome = outcomes[index]!;
      if (outcome.kind === "retry") {
        answers.retry ??= { events: [] };
        answers.retry.events.push(position);
        if (outcome.retryAfterSeconds !== undefined)
          answers.retry.retryAfterSeconds = Math.max(answers.retry.retryAfterSeconds ?? 0, outcome.retryAfterSeconds);
      } else {
        answers.final.push({ position, outcome });
      }
    });
    return answers;
  }

  /** Records every final answer of a unit; answers the positions it recorded. */
  private async recordFinalAnswers(
    part: ReplayPart,
    answers: UnitAnswers,
    eventAt: (position: number) => Record<string, unknown>,
    count: Count,
  ): Promise<number[]> {
    const byReason = new Map<string, { outcome: Exclude<DeliveryOutcome, { kind: "retry" }>; positions: number[] }>();
    for (const { position, outcome } of answers.final) {
      const key = outcome.kind === "delivered" ? "" : outcome.reason;
      const group = byReason.get(key) ?? { outcome, positions: [] };
      group.positions.push(position);
      byReason.set(key, group);
    }
    for (const { outcome, positions } of byReason.values()) await this.recordAnswer(part, outcome, positions.map(eventAt), count);
    return answers.final.map(({ position }) => position);
  }

  /** Counts a final answer for the events one request carried: delivered, or refused into the dead letters. */
  private async recordAnswer(
    part: ReplayPart,
    outcome: Exclude<DeliveryOutcome, { kind: "retry" }>,
    events: readonly Record<string, unknown>[],
    count: Count,
  ): Promise<void> {
    if (outcome.kind === "delivered") {
      part.sent += events.length;
      count("delivered", events.length);
      return;
    }
    await this.deps.deadLetter(
      part.destinationId,
      events.map((event) => ({ event, reason: `destination ${outcome.reason} during a replay; not retried` })),
    );
    part.failed += events.length;
    count("failed", events.length);
  }

  /** Sets the part's next retry (what the destination asked, else the backoff); false when it would end past the 4-hour window. */
  private scheduleRetry(part: ReplayPart, attempts: number, since: number, retryAfterSeconds?: number): boolean {
    const now = this.deps.now();
    const delay = nextRetryDelaySeconds({
      attempts,
      firstAttemptAt: since,
      now,
      random: this.deps.random(),
      firstDelaySeconds: this.deps.firstRetryDelaySeconds,
      retryAfterSeconds,
    });
    if (delay === null) return false;
    part.retryAttempts = attempts;
    part.retrySince = since;
    part.retryAt = now + delay * 1000;
    return true;
  }

  private clearRetry(part: ReplayPart): void {
    part.retryAt = null;
    part.retryAttempts = 0;
    part.retrySince = null;
  }

  /** The group without the erased people's events, cached in its place. */
  private forgetErased(group: number, events: GroupEvents, erased: ReadonlySet<string>): GroupEvents {
    const kept = events.filter(({ event }) => !isErased(event, erased));
    if (this.cache.has(group)) this.cache.set(group, Promise.resolve(kept));
    return kept;
  }

  /** A group's selected events in replay order, as the archive holds them now. */
  private readGroup(spec: ReplaySpec, group: number, keys: readonly string[]): Promise<GroupEvents> {
    const cached = this.cache.get(group);
    if (cached) {
      this.cache.delete(group); // most recently used goes last
      this.cache.set(group, cached);
      return cached;
    }
    const read = (async () => {
      const selected: Record<string, unknown>[] = [];
      for (let start = 0; start < keys.length; start += PARALLEL_READS) {
        const contents = await Promise.all(keys.slice(start, start + PARALLEL_READS).map((key) => this.deps.readLines(key)));
        for (const lines of contents) {
          for (const event of parseArchiveLines(lines ?? [])) {
            const kept = selectForReplay(event, spec);
            if (kept) selected.push(kept);
          }
        }
      }
      return replayOrder(selected);
    })();
    this.cache.set(group, read);
    read.catch(() => this.cache.delete(group));
    while (this.cache.size > CACHED_GROUPS) this.cache.delete(this.cache.keys().next().value!);
    return read;
  }
}

/** Why a parked event was not sent: its person was deleted meanwhile. */
const SUBJECT_DELETED = "subject deleted";

const isErased = (event: Record<string, unknown>, erased: ReadonlySet<string>) => eventSubjectKeys(event).some((key) => erased.has(key));

/** The index of the first event after `key` in a group's sorted events (its length when none). */
function firstAfter(events: GroupEvents, key: ReplayKey): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareReplayKeys(events[middle]!.key, key) > 0) high = middle;
    else low = middle + 1;
  }
  return low;
}
