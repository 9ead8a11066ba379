import { sendRequest } from "../destinations/deliver";
import { nextRetryDelaySeconds, type DeliveryOutcome } from "../destinations/delivery-policy";
import type { DeliveryCounts } from "../destinations/delivery-stats";
import type { DestinationType } from "../destinations/destination-type";
import { routeToDestination, type RoutedDestination } from "../destinations/fan-out";
import type { ReplaySpec } from "./replay-request";
import { groupArchiveObjects } from "./replay-groups";
import { parseArchiveLines, replayOrder, selectForReplay } from "./replay-selection";
import type { ArchiveObjectRow, ReplayPart, ReplayProgress, ReplayStore } from "./replay-store";

/** Events one destination takes per request batch; a request never spans two batches. */
const CHUNK_EVENTS = 100;
/** Wall time one alarm spends before handing over to the next. */
const TICK_BUDGET_MS = 10_000;
/** The rate limit's window: each destination gets `ratePerSecond` events per second at most. */
const PACE_WINDOW_MS = 1_000;
/** Parsed groups of archive objects kept between alarms: each destination reads the same ones. */
const CACHED_GROUPS = 2;
/** Archive objects read at once. */
const PARALLEL_READS = 8;
/** Failed ticks in a row (R2, D1 or queue errors, not destination answers) before the replay fails. */
const MAX_FAILED_TICKS = 10;

export interface ReplayTarget {
  routed: RoutedDestination;
  type: DestinationType<unknown>;
}

export interface ReplayDeps {
  store: ReplayStore;
  /** The source's archive objects in `[from, to)`, in key (hour) order, with their stored sizes. */
  listObjects: (spec: ReplaySpec) => AsyncIterable<{ key: string; size: number }>;
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
}

/** A group's events in replay order; null marks an event the replay leaves out. */
type GroupEvents = (Record<string, unknown> | null)[];

/**
 * Runs a replay one alarm at a time: lists the archive objects of the range, counts what they
 * select (the total), then sends every destination its events in timestamp order per hour (all
 * of an hour's objects merged; see replay-groups.ts), each at its own rate and with its own
 * retries, so a slow destination only slows itself.
 * Each request's outcome moves the cursor in one transaction before the next request goes out:
 * after a crash only the request in flight is sent again.
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
      if (failures >= MAX_FAILED_TICKS) store.setPhase("failed", new Date(this.deps.now()));
      next = failures >= MAX_FAILED_TICKS ? null : this.deps.now() + 5_000 * failures;
    }
    const progress = store.progress();
    if (progress) await this.deps.report(progress).catch((error: unknown) => console.error(`could not publish progress of replay ${spec.id}`, error));
    return next;
  }

  private async step(spec: ReplaySpec, started: number): Promise<number | null> {
    const { store } = this.deps;
    const deadline = started + TICK_BUDGET_MS;
    switch (store.phase()) {
      case "listing": {
        const objects: { key: string; size: number }[] = [];
        for await (const object of this.deps.listObjects(spec)) objects.push(object);
        const groups = groupArchiveObjects(objects);
        store.setObjects(objects.map(({ key }, index) => ({ key, group: groups[index]! })));
        store.setPhase("counting", new Date(this.deps.now()));
        return this.deps.now();
      }
      case "counting": {
        for (const object of store.uncounted(50)) {
          if (this.deps.now() > deadline) return this.deps.now();
          const events = parseArchiveLines((await this.deps.readLines(object.key)) ?? []);
          store.setMatched(object.seq, events.filter((event) => selectForReplay(event, spec)).length);
        }
        if (store.uncounted(1).length > 0) return this.deps.now();
        store.fixTotal();
        store.setPhase("sending", new Date(this.deps.now()));
        return this.deps.now();
      }
      case "sending":
        return this.send(spec, started, deadline);
      default:
        return null;
    }
  }

  private async send(spec: ReplaySpec, started: number, deadline: number): Promise<number | null> {
    const { store } = this.deps;
    const stats: DeliveryCounts[] = [];
    const running = store.parts().filter((part) => part.state === "running");
    const nextRuns = await Promise.all(running.map((part) => this.sendPart(spec, part, started, deadline, stats)));
    await this.deps.recordStats(stats).catch((error: unknown) => console.error(`could not record replay ${spec.id} delivery stats`, error));
    if (store.phase() !== "sending") return null; // cancelled meanwhile
    const waiting = nextRuns.filter((at): at is number => at !== null);
    if (waiting.length > 0) return Math.min(...waiting);
    const failed = store.parts().some((part) => part.state === "failed");
    store.setPhase(failed ? "failed" : "finished", new Date(this.deps.now()), failed ? "a destination could not take the replay; see destinations" : undefined);
    return null;
  }

  /** Sends one destination its share of this tick; answers when it wants to run again, or null when done. */
  private async sendPart(spec: ReplaySpec, part: ReplayPart, started: number, deadline: number, stats: DeliveryCounts[]): Promise<number | null> {
    const { store } = this.deps;
    const target = await this.deps.destination(part.destinationId);
    if (!target || !target.routed.destination.enabled) {
      part.state = "failed";
      part.error = target ? "the destination was disabled during the replay" : "the destination was deleted during the replay";
      store.savePart(part);
      return null;
    }
    const count = (outcome: string, n: number) => n !== 0 && stats.push({ destinationId: part.destinationId, outcome, count: n });

    if (part.retryAt !== null) {
      if (this.deps.now() < part.retryAt) return part.retryAt;
      const waiting = await this.retryPending(part, target, count);
      if (waiting !== null) return waiting;
    }

    let budget = spec.ratePerSecond;
    // A cancel (or another part's end) can land between two chunks: stop at the next one.
    while (budget > 0 && this.deps.now() < deadline && store.phase() === "sending") {
      const objects = store.group(part.groupSeq);
      if (objects.length === 0) {
        part.state = "finished";
        store.savePart(part);
        return null;
      }
      const events = await this.readGroup(spec, part.groupSeq, objects);
      if (part.line >= events.length) {
        part.groupSeq += 1;
        part.line = 0;
        store.savePart(part);
        continue;
      }
      const chunk: { line: number; event: Record<string, unknown> }[] = [];
      let end = part.line;
      for (; end < events.length && chunk.length < Math.min(budget, CHUNK_EVENTS); end += 1) {
        const event = events[end];
        if (event) chunk.push({ line: end, event });
      }
      budget -= chunk.length;
      const waiting = await this.sendChunk(part, target, chunk, end, count);
      if (waiting !== null) return waiting;
    }
    return Math.max(this.deps.now(), started + PACE_WINDOW_MS);
  }

  /**
   * Routes and sends one chunk, request by request in order, saving the cursor after each answer.
   * A retryable answer parks that request's events and the rest of the chunk (order is kept) and
   * answers when to retry; otherwise null once the cursor is past the chunk (`end`).
   */
  private async sendChunk(
    part: ReplayPart,
    target: ReplayTarget,
    chunk: readonly { line: number; event: Record<string, unknown> }[],
    end: number,
    count: (outcome: string, n: number) => void,
  ): Promise<number | null> {
    const { store } = this.deps;
    const kept: { line: number; event: Record<string, unknown> }[] = [];
    const discards: { line: number; reason: string }[] = [];
    for (const { line, event } of chunk) {
      const routed = await routeToDestination(event, target.routed);
      if ("discard" in routed) discards.push({ line, reason: routed.discard });
      else kept.push({ line, event: routed.event });
    }
    const countDiscardsBefore = (line: number) => {
      while (discards.length > 0 && discards[0]!.line < line) {
        const { reason } = discards.shift()!;
        part.discarded += 1;
        count(`discarded:${reason}`, 1);
      }
    };

    const requests = await target.type.requests(kept.map(({ event }) => event), target.routed.destination.settings);
    for (const [index, request] of requests.entries()) {
      const outcome = await sendRequest(request, this.deps.fetcher);
      const carried = request.events.map((position) => kept[position]!);
      if (outcome.kind === "retry") {
        const parked = requests.slice(index).flatMap((rest) => rest.events.map((position) => kept[position]!.event));
        countDiscardsBefore(end);
        part.line = end;
        this.scheduleRetry(part, 1, this.deps.now());
        store.savePart(part, { addPending: parked });
        count("retrying", parked.length);
        count("retry-scheduled", parked.length);
        return part.retryAt;
      }
      await this.recordAnswer(part, outcome, carried.map(({ event }) => event), count);
      const after = Math.max(...carried.map(({ line }) => line)) + 1;
      countDiscardsBefore(after);
      part.line = after;
      store.savePart(part);
    }
    countDiscardsBefore(end);
    part.line = end;
    store.savePart(part);
    return null;
  }

  /** Sends the parked events again, in order; answers when to try again, or null once none wait. */
  private async retryPending(part: ReplayPart, target: ReplayTarget, count: (outcome: string, n: number) => void): Promise<number | null> {
    const { store } = this.deps;
    const pending = store.pending(part.destinationId);
    const requests = await target.type.requests(pending.map(({ event }) => event), target.routed.destination.settings);
    for (const [index, request] of requests.entries()) {
      const outcome = await sendRequest(request, this.deps.fetcher);
      const carried = request.events.map((position) => pending[position]!);
      if (outcome.kind === "retry") {
        // A destination that took some of them is answering again: back off from the start.
        const attempts = index > 0 ? 1 : part.retryAttempts + 1;
        const since = index > 0 ? this.deps.now() : (part.retrySince ?? this.deps.now());
        const rest = requests.slice(index).flatMap((later) => later.events.map((position) => pending[position]!));
        if (this.scheduleRetry(part, attempts, since)) {
          store.savePart(part);
          count("retry-scheduled", rest.length);
          return part.retryAt;
        }
        await this.deps.deadLetter(part.destinationId, rest.map(({ event }) => ({ event, reason: "retries exhausted during a replay: still failing 4 hours after the first attempt" })));
        part.failed += rest.length;
        count("failed", rest.length);
        count("retrying", -rest.length);
        this.clearRetry(part);
        store.savePart(part, { removePending: rest.map(({ position }) => position) });
        return null;
      }
      await this.recordAnswer(part, outcome, carried.map(({ event }) => event), count);
      count("retrying", -carried.length);
      store.savePart(part, { removePending: carried.map(({ position }) => position) });
    }
    this.clearRetry(part);
    store.savePart(part);
    return null;
  }

  /** Counts a final answer for the events one request carried: delivered, or refused into the dead letters. */
  private async recordAnswer(
    part: ReplayPart,
    outcome: Exclude<DeliveryOutcome, { kind: "retry" }>,
    events: readonly Record<string, unknown>[],
    count: (outcome: string, n: number) => void,
  ): Promise<void> {
    if (outcome.kind === "delivered") {
      part.sent += events.length;
      count("delivered", events.length);
      return;
    }
    await this.deps.deadLetter(part.destinationId, events.map((event) => ({ event, reason: `destination ${outcome.reason} during a replay; not retried` })));
    part.failed += events.length;
    count("failed", events.length);
  }

  /** Sets the part's next retry; false when the 4-hour window is over. */
  private scheduleRetry(part: ReplayPart, attempts: number, since: number): boolean {
    const now = this.deps.now();
    const delay = nextRetryDelaySeconds(attempts, since, now, this.deps.random(), this.deps.firstRetryDelaySeconds);
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

  /**
   * A group's events in replay order, the ones the replay leaves out as null; the same archive
   * always gives the same list, so a cursor into it survives a crash. An object that changed
   * since it was counted (a deletion rewrote it) moves the total.
   */
  private readGroup(spec: ReplaySpec, group: number, objects: readonly ArchiveObjectRow[]): Promise<GroupEvents> {
    const cached = this.cache.get(group);
    if (cached) return cached;
    const read = (async () => {
      const tagged: { event: Record<string, unknown>; object: number }[] = [];
      for (let start = 0; start < objects.length; start += PARALLEL_READS) {
        const slice = objects.slice(start, start + PARALLEL_READS);
        const lines = await Promise.all(slice.map((object) => this.deps.readLines(object.key)));
        lines.forEach((list, offset) => {
          for (const event of parseArchiveLines(list ?? [])) tagged.push({ event, object: start + offset });
        });
      }
      const ordered = replayOrder(tagged, ({ event }) => event).map(({ event, object }) => ({ selected: selectForReplay(event, spec), object }));
      const matched = objects.map(() => 0);
      for (const { selected, object } of ordered) if (selected) matched[object]! += 1;
      objects.forEach((object, index) => {
        if (object.matched !== matched[index]) this.deps.store.setMatched(object.seq, matched[index]!);
      });
      return ordered.map(({ selected }) => selected);
    })();
    this.cache.set(group, read);
    read.catch(() => this.cache.delete(group));
    while (this.cache.size > CACHED_GROUPS) this.cache.delete(this.cache.keys().next().value!);
    return read;
  }
}
