import type { AcceptedEvent } from "../ingest/enrich";
import type { DeadLetterEnvelope } from "./dead-letter";
import { decodeBatch, type BatchEntry } from "./events-message";
import type { DedupeGateway } from "./dedupe/gateway";
import { computeRetryDelaySeconds } from "./retry-policy";

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
  duplicates: number;
}

export interface PipelineDeps {
  queue: string;
  dedupe: DedupeGateway;
  random: () => number;
  /**
   * Hands archived events to the stages that follow the archive (identity), in message order;
   * throws to retry the messages they came from. Absent: nothing follows the archive.
   */
  forward?: (events: AcceptedEvent[]) => Promise<void>;
  /**
   * Schema discovery for the events archived by this delivery (each event counts once: a
   * redelivery finds them `retried`). Diagnostics: a failure is logged, never retried.
   */
  discover?: (events: AcceptedEvent[]) => Promise<void>;
}

/**
 * The EVENTS consumer's pipeline for one batch: dedupe check early, archive (the dedupe commit
 * that puts events in the outbox) late. Each message gets its own outcome: a failure touching
 * one message's events retries that message only, and every step is safe to run twice.
 */
export async function consumeEventsBatch(messages: readonly QueuedMessage[], deps: PipelineDeps): Promise<BatchSummary> {
  const { entries, deadLetters } = decodeBatch(deps.queue, messages);

  const failed = new Set<number>();
  const checks = await deps.dedupe.check(
    entries.map(({ event, owner }) => ({ messageId: event.messageId, sourceId: event.projectId, owner })),
  );
  checks.forEach((verdict, i) => verdict === "failed" && failed.add(entries[i]!.message));

  const toArchive = entries.filter((_, i) => checks[i] === "fresh");
  const commits = await deps.dedupe.commit(toArchive.map(({ event, owner }) => ({ event, owner })));
  commits.forEach((verdict, i) => verdict === "failed" && failed.add(toArchive[i]!.message));

  if (deps.discover) {
    const archivedNow = toArchive.filter((_, i) => commits[i] === "archived").map((entry) => entry.event);
    if (archivedNow.length > 0) {
      try {
        await deps.discover(archivedNow);
      } catch (error) {
        console.error("schema discovery failed for a batch; its counts are lost, its events are not", error);
      }
    }
  }

  // Later stages get events archived now or by an earlier delivery of the same message (a crash
  // between the archive and the hand-off must still pass them on); they are idempotent. They run
  // on their own queue, so the archive never waits for them.
  if (deps.forward) await forwardArchived(deps.forward, entries, checks, toArchive, commits, failed);

  const outcomes = messages.map((message, index): MessageOutcome =>
    failed.has(index)
      ? { kind: "retry", delaySeconds: computeRetryDelaySeconds(message.attempts, deps.random()) }
      : { kind: "ack" },
  );
  const count = (verdicts: string[], wanted: string) => verdicts.filter((verdict) => verdict === wanted).length;
  return {
    outcomes,
    deadLetters,
    archived: count(commits, "archived"),
    duplicates: count(checks, "duplicate") + count(commits, "duplicate"),
  };
}

async function forwardArchived(
  forward: (events: AcceptedEvent[]) => Promise<void>,
  entries: readonly BatchEntry[],
  checks: readonly string[],
  toArchive: readonly BatchEntry[],
  commits: readonly string[],
  failed: Set<number>,
): Promise<void> {
  const archived = new Set<BatchEntry>([
    ...entries.filter((_, i) => checks[i] === "retried"),
    ...toArchive.filter((_, i) => commits[i] === "archived" || commits[i] === "retried"),
  ]);
  const handed = entries.filter((entry) => archived.has(entry) && !failed.has(entry.message));
  if (handed.length === 0) return;
  try {
    await forward(handed.map((entry) => entry.event));
  } catch (error) {
    console.error("could not hand archived events on; their messages are retried", error);
    for (const entry of handed) failed.add(entry.message);
  }
}
