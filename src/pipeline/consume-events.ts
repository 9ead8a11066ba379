import type { AcceptedEvent } from "../ingest/enrich";
import type { DeadLetterEnvelope } from "./dead-letter";
import { decodeEventsMessage } from "./events-message";
import type { DedupeGateway } from "./dedupe/gateway";
import { computeRetryDelaySeconds } from "./retry-policy";

export interface QueuedMessage {
  id: string;
  body: unknown;
  attempts: number;
}

export type MessageOutcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number };

export interface BatchSummary {
  outcomes: MessageOutcome[];
  /** Unreadable messages and events, for the DLQ: sent before any message is acknowledged. */
  deadLetters: DeadLetterEnvelope[];
  archived: number;
  duplicates: number;
}

export interface PipelineDeps {
  queue: string;
  dedupe: DedupeGateway;
  random: () => number;
  /**
   * Identity resolution for one message's archived events, in order; throws to retry the message.
   * Absent: the stage is skipped.
   */
  identity?: (events: AcceptedEvent[]) => Promise<void>;
}

/**
 * The EVENTS consumer's pipeline for one batch: dedupe check early, archive (the dedupe commit
 * that puts events in the outbox) late. Each message gets its own outcome: a failure touching
 * one message's events retries that message only, and every step is safe to run twice.
 */
export async function consumeEventsBatch(messages: readonly QueuedMessage[], deps: PipelineDeps): Promise<BatchSummary> {
  const deadLetters: DeadLetterEnvelope[] = [];
  const entries: { event: AcceptedEvent; owner: string; message: number }[] = [];

  messages.forEach((message, index) => {
    const deadLetter = (reason: string, body: unknown) =>
      deadLetters.push({ deadLetter: { queue: deps.queue, messageId: message.id, reason }, body });
    const decoded = decodeEventsMessage(message.body);
    if (!decoded.ok) return deadLetter(decoded.reason, message.body);
    for (const { reason, event } of decoded.unreadable) deadLetter(reason, event);
    for (const event of decoded.events) entries.push({ event, owner: message.id, message: index });
  });

  const failed = new Set<number>();
  const checks = await deps.dedupe.check(
    entries.map(({ event, owner }) => ({ messageId: event.messageId, sourceId: event.projectId, owner })),
  );
  checks.forEach((verdict, i) => verdict === "failed" && failed.add(entries[i]!.message));

  const toArchive = entries.filter((_, i) => checks[i] === "fresh");
  const commits = await deps.dedupe.commit(toArchive.map(({ event, owner }) => ({ event, owner })));
  commits.forEach((verdict, i) => verdict === "failed" && failed.add(toArchive[i]!.message));

  // Identity runs after the archive commit, for events archived now or by an earlier delivery
  // of the same message (a crash after the archive must still resolve them): it is idempotent.
  if (deps.identity) await runIdentity(deps.identity, entries, checks, toArchive, commits, failed);

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

type Entry = { event: AcceptedEvent; owner: string; message: number };

async function runIdentity(
  identity: (events: AcceptedEvent[]) => Promise<void>,
  entries: readonly Entry[],
  checks: readonly string[],
  toArchive: readonly Entry[],
  commits: readonly string[],
  failed: Set<number>,
): Promise<void> {
  const resolvable = new Set<Entry>([
    ...entries.filter((_, i) => checks[i] === "retried"),
    ...toArchive.filter((_, i) => commits[i] === "archived" || commits[i] === "retried"),
  ]);
  const byMessage = new Map<number, AcceptedEvent[]>();
  for (const entry of entries) {
    if (!resolvable.has(entry) || failed.has(entry.message)) continue;
    byMessage.set(entry.message, [...(byMessage.get(entry.message) ?? []), entry.event]);
  }
  await Promise.all(
    [...byMessage].map(async ([message, events]) => {
      try {
        await identity(events);
      } catch (error) {
        console.error("identity resolution failed; the message is retried", error);
        failed.add(message);
      }
    }),
  );
}
