import type { AcceptedEvent } from "../spec/accepted-event";
import type { DeadLetterEnvelope } from "../queues/dead-letter";
import type { ProtocolViolation } from "../protocols/json-schema-violations";
import { decodeBatch, type BatchEntry } from "./events-message";
import type { DedupeGateway } from "../dedupe/gateway";
import type { CheckVerdict, CommitVerdict } from "../dedupe/verdicts";
import { computeRetryDelaySeconds } from "./retry-policy";
import type { SeenEvent } from "../debugger/pipeline-entries";

export interface QueuedMessage {
  id: string;
  body: unknown;
  attempts: number;
}

export type MessageOutcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number };

/** What a consumer decided for a batch; the Worker applies it (workers/queue.ts). */
export interface BatchSummaryBase {
  outcomes: MessageOutcome[];
  /** Unreadable messages and events, for the DLQ: sent before any message is acknowledged. */
  deadLetters: DeadLetterEnvelope[];
}

export interface BatchSummary extends BatchSummaryBase {
  archived: number;
  /** Committed as seen but not archived: their source's tracking plan blocked them. */
  blocked: number;
  duplicates: number;
  /** Dropped before every other stage: their person is suppressed. */
  suppressed: number;
}

/** What the tracking plan made of an event: the event as it goes on, or why it was blocked. */
export interface Enforcement {
  event: AcceptedEvent;
  blocked: string | null;
  violations: ProtocolViolation[];
  /** Events for other sources (forwarded blocked events, `Violation Generated` calls). */
  forwards?: AcceptedEvent[];
}

/** An event committed by this delivery, as received, for the diagnostics that count it once. */
export interface CommittedEvent {
  received: AcceptedEvent;
  blocked: boolean;
  violations: ProtocolViolation[];
  /** Forwarded here by another source's Protocols. */
  forwarded: boolean;
}

export interface PipelineDeps {
  queue: string;
  dedupe: DedupeGateway;
  random: () => number;
  /**
   * Suppression: whether each event's person is on the suppression list, in event order, for
   * the whole batch at once. Suppressed events are dropped before anything else sees them
   * (Segment: they "do not appear in the debugger, are not saved in archives and systems, and
   * are not sent to any downstream server-side destinations"), and their messages are acked.
   * Throws (the list could not be read) to retry the messages: no event of a possibly
   * suppressed person may pass. Absent: nothing is suppressed.
   */
  suppressed?: (events: AcceptedEvent[]) => Promise<boolean[]>;
  /** Counts the suppressed events (their only trace). A failure is logged, not retried. */
  countSuppressed?: (events: AcceptedEvent[]) => Promise<void>;
  /**
   * Protocols: each event's source's tracking plan and settings, in event order; throws (the
   * plans could not be read) to retry the messages, since no event may pass unchecked.
   */
  enforce?: (events: AcceptedEvent[]) => Promise<Enforcement[]>;
  /**
   * Diagnostics for the events committed by this delivery (schema discovery, violation counts):
   * each event counts once, as a redelivery finds it `retried`. A failure is logged, not retried.
   */
  observe?: (events: CommittedEvent[]) => Promise<void>;
  /**
   * The live debugger: what this delivery decided for each event (duplicates included), once the
   * archive is settled. Best-effort: a failure is logged, and neither retries nor holds anything.
   */
  debug?: (events: SeenEvent[]) => Promise<void>;
  /**
   * Hands archived events off to identity resolution (the IDENTITY queue), in message order;
   * throws to retry the messages they came from. Absent: identity does not run.
   */
  handOffToIdentity?: (events: AcceptedEvent[]) => Promise<void>;
  /**
   * Fan-out to destinations (one DELIVERIES message per destination batch) for the same events
   * as `handOffToIdentity`; throws to retry the messages they came from.
   */
  fanOut?: (events: AcceptedEvent[]) => Promise<void>;
  /**
   * Protocols forwarding: puts the events a plan forwards to other sources (blocked events,
   * `Violation Generated` calls) on the EVENTS queue; throws to retry the messages.
   */
  forwardToSources?: (events: AcceptedEvent[]) => Promise<void>;
}

interface Lane {
  entry: BatchEntry;
  check: CheckVerdict;
  enforced: Enforcement;
  commit?: CommitVerdict;
}

/**
 * The EVENTS consumer's pipeline for one batch: suppressed people's events dropped first, then
 * the dedupe check early, then the tracking plan, then the archive (the dedupe commit that puts
 * events in the outbox; blocked ones are only marked seen) late. Each message gets its own
 * outcome: a failure touching one message's events retries that message only, and every step is
 * safe to run twice.
 */
export async function consumeEventsBatch(messages: readonly QueuedMessage[], deps: PipelineDeps): Promise<BatchSummary> {
  const decoded = decodeBatch(deps.queue, messages);
  const { deadLetters } = decoded;
  const retry = (index: number): MessageOutcome => ({ kind: "retry", delaySeconds: computeRetryDelaySeconds(messages[index]!.attempts, deps.random()) });

  const screened = await dropSuppressed(decoded.entries, deps);
  if (!screened.ok) {
    const withEvents = new Set(decoded.entries.map((entry) => entry.message));
    const outcomes = messages.map((_, index): MessageOutcome => (withEvents.has(index) ? retry(index) : { kind: "ack" }));
    return { outcomes, deadLetters, archived: 0, blocked: 0, duplicates: 0, suppressed: 0 };
  }
  const { entries, suppressed } = screened;
  const counted = countSuppressed(suppressed, deps);

  const failed = new Set<number>();
  const checks = await deps.dedupe.check(entries.map(({ event, owner }) => ({ messageId: event.messageId, sourceId: event.projectId, owner })));
  const lanes = entries.map((entry, i): Lane => ({ entry, check: checks[i]!, enforced: { event: entry.event, blocked: null, violations: [] } }));
  for (const lane of lanes) if (lane.check === "failed") failed.add(lane.entry.message);

  // Retried events go through the plan again: whether they were blocked is not stored, and the
  // answer decides whether they are handed off.
  // Events another source forwarded here skip the plan, as in Segment.
  const live = lanes.filter((lane) => (lane.check === "fresh" || lane.check === "retried") && !failed.has(lane.entry.message));
  const planned = live.filter((lane) => !lane.entry.forwarded);
  if (deps.enforce && planned.length > 0) {
    try {
      const enforced = await deps.enforce(planned.map((lane) => lane.entry.event));
      planned.forEach((lane, i) => (lane.enforced = enforced[i]!));
    } catch (error) {
      console.error("tracking plans could not be applied; the messages are retried", error);
      for (const lane of live) failed.add(lane.entry.message);
    }
  }

  const toCommit = live.filter((lane) => lane.check === "fresh" && !failed.has(lane.entry.message));
  const commits = await deps.dedupe.commit(
    toCommit.map(({ entry, enforced }) => ({ event: enforced.event, owner: entry.owner, blocked: enforced.blocked !== null })),
  );
  toCommit.forEach((lane, i) => {
    lane.commit = commits[i]!;
    if (lane.commit === "failed") failed.add(lane.entry.message);
  });

  const committedNow = toCommit.filter((lane) => lane.commit === "archived");
  const observe = async () => {
    if (!deps.observe || committedNow.length === 0) return;
    try {
      await deps.observe(
        committedNow.map(({ entry, enforced }) => ({
          received: entry.event,
          blocked: enforced.blocked !== null,
          violations: enforced.violations,
          forwarded: entry.forwarded,
        })),
      );
    } catch (error) {
      console.error("schema discovery or violation counts failed for a batch; its counts are lost, its events are not", error);
    }
  };
  const debug = async () => {
    const seen = lanes.flatMap((lane) => seenEvent(lane, failed));
    if (!deps.debug || seen.length === 0) return;
    try {
      await deps.debug(seen);
    } catch (error) {
      console.error("the live debugger could not record a batch; the pipeline goes on without it", error);
    }
  };
  await Promise.all([observe(), debug()]);

  // Later stages get events committed now or by an earlier delivery of the same message (a crash
  // between the commit and the hand-off must still pass them on); they are idempotent. They run
  // on their own queues, so the archive never waits for them.
  const committed = (lane: Lane) => (lane.check === "retried" || lane.commit === "archived" || lane.commit === "retried") && !failed.has(lane.entry.message);
  if (deps.forwardToSources) {
    const forwards = lanes.filter(committed).flatMap((lane) => lane.enforced.forwards ?? []);
    if (forwards.length > 0) {
      try {
        await deps.forwardToSources(forwards);
      } catch (error) {
        console.error("could not forward events to other sources; their messages are retried", error);
        for (const lane of lanes) if ((lane.enforced.forwards ?? []).length > 0) failed.add(lane.entry.message);
      }
    }
  }
  const handedOff = lanes.filter((lane) => committed(lane) && lane.enforced.blocked === null);
  await Promise.all(
    [deps.handOffToIdentity, deps.fanOut].map(async (stage) => {
      if (!stage || handedOff.length === 0) return;
      try {
        await stage(handedOff.map((lane) => lane.enforced.event));
      } catch (error) {
        console.error("could not hand archived events off to identity or destinations; their messages are retried", error);
        for (const lane of handedOff) failed.add(lane.entry.message);
      }
    }),
  );

  await counted;
  const outcomes = messages.map((_, index): MessageOutcome => (failed.has(index) ? retry(index) : { kind: "ack" }));
  return {
    outcomes,
    deadLetters,
    archived: committedNow.filter((lane) => lane.enforced.blocked === null).length,
    blocked: committedNow.filter((lane) => lane.enforced.blocked !== null).length,
    duplicates: lanes.filter((lane) => lane.check === "duplicate" || lane.commit === "duplicate").length,
    suppressed: suppressed.length,
  };
}

/** The batch's entries without suppressed people's events, or `ok: false` when the list could not be read. */
async function dropSuppressed(
  entries: BatchEntry[],
  deps: PipelineDeps,
): Promise<{ ok: true; entries: BatchEntry[]; suppressed: AcceptedEvent[] } | { ok: false }> {
  if (!deps.suppressed || entries.length === 0) return { ok: true, entries, suppressed: [] };
  let flags: boolean[];
  try {
    flags = await deps.suppressed(entries.map((entry) => entry.event));
    if (flags.length !== entries.length) throw new Error(`the suppression check answered ${flags.length} verdicts for ${entries.length} events`);
  } catch (error) {
    console.error("the suppression list could not be read; the messages are retried", error);
    return { ok: false };
  }
  return { ok: true, entries: entries.filter((_, i) => !flags[i]), suppressed: entries.filter((_, i) => flags[i]).map((entry) => entry.event) };
}

async function countSuppressed(events: AcceptedEvent[], deps: PipelineDeps): Promise<void> {
  if (!deps.countSuppressed || events.length === 0) return;
  try {
    await deps.countSuppressed(events);
  } catch (error) {
    console.error(`could not count ${events.length} suppressed events; they are dropped all the same`, error);
  }
}

/** What the debugger shows of a lane: duplicates, and events in the archive or blocked; nothing while a commit is open. */
function seenEvent({ entry, check, enforced, commit }: Lane, failed: ReadonlySet<number>): SeenEvent[] {
  const duplicate = check === "duplicate" || commit === "duplicate";
  const archived = check === "retried" || commit === "archived" || commit === "retried";
  if (!duplicate && !archived) return [];
  // A retried event's verdicts come from the plan run just now: if that failed, the retry shows it.
  if (check === "retried" && failed.has(entry.message)) return [];
  const blocked = duplicate ? null : enforced.blocked;
  return [
    {
      received: entry.event,
      owner: entry.owner,
      duplicate,
      blocked,
      violations: enforced.violations,
      forwarded: entry.forwarded,
      archived: archived && blocked === null,
    },
  ];
}
