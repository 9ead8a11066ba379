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
 * The EVENTS consumer's pipeline for one batch: dedupe check early, then the tracking plan, then
 * the archive (the dedupe commit that puts events in the outbox; blocked ones are only marked
 * seen) late. Each message gets its own outcome: a failure touching one message's events retries
 * that message only, and every step is safe to run twice.
 */
export async function consumeEventsBatch(messages: readonly QueuedMessage[], deps: PipelineDeps): Promise<BatchSummary> {
  const { entries, deadLetters } = decodeBatch(deps.queue, messages);

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

  const outcomes = messages.map((message, index): MessageOutcome =>
    failed.has(index) ? { kind: "retry", delaySeconds: computeRetryDelaySeconds(message.attempts, deps.random()) } : { kind: "ack" },
  );
  return {
    outcomes,
    deadLetters,
    archived: committedNow.filter((lane) => lane.enforced.blocked === null).length,
    blocked: committedNow.filter((lane) => lane.enforced.blocked !== null).length,
    duplicates: lanes.filter((lane) => lane.check === "duplicate" || lane.commit === "duplicate").length,
  };
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
