import type { AcceptedEvent } from "../ingest/enrich";
import { decodeEventsMessage } from "./events-message";
import type { DedupeGateway } from "./dedupe/gateway";
import { computeRetryDelaySeconds } from "./retry-policy";

export interface QueuedMessage {
  id: string;
  body: unknown;
  attempts: number;
}

export type MessageOutcome =
  | { kind: "ack" }
  | { kind: "retry"; delaySeconds: number }
  | { kind: "dead-letter"; reason: string };

export interface BatchSummary {
  outcomes: MessageOutcome[];
  archived: number;
  duplicates: number;
}

export interface PipelineDeps {
  dedupe: DedupeGateway;
  random: () => number;
}

/**
 * The EVENTS consumer's pipeline for one batch: dedupe check early, archive (the dedupe commit
 * that puts events in the outbox) late. Each message gets its own outcome: a failure touching
 * one message's events retries that message only, and every step is safe to run twice.
 */
export async function consumeEventsBatch(messages: readonly QueuedMessage[], deps: PipelineDeps): Promise<BatchSummary> {
  const outcomes: MessageOutcome[] = messages.map(() => ({ kind: "ack" }));
  const failed = new Set<number>();
  const entries: { event: AcceptedEvent; owner: string; message: number }[] = [];

  messages.forEach((message, index) => {
    const decoded = decodeEventsMessage(message.body);
    if (!decoded.ok) outcomes[index] = { kind: "dead-letter", reason: decoded.reason };
    else for (const event of decoded.message.events) entries.push({ event, owner: message.id, message: index });
  });

  const checks = await deps.dedupe.check(
    entries.map(({ event, owner }) => ({ messageId: event.messageId, sourceId: event.projectId, owner })),
  );
  let duplicates = checks.filter((verdict) => verdict === "duplicate").length;
  checks.forEach((verdict, i) => verdict === "failed" && failed.add(entries[i]!.message));

  const toArchive = entries.filter((_, i) => checks[i] === "fresh");
  const commits = await deps.dedupe.commit(toArchive.map(({ event, owner }) => ({ event, owner })));
  duplicates += commits.filter((verdict) => verdict === "duplicate").length;
  commits.forEach((verdict, i) => verdict === "failed" && failed.add(toArchive[i]!.message));

  for (const index of failed) {
    outcomes[index] = { kind: "retry", delaySeconds: computeRetryDelaySeconds(messages[index]!.attempts, deps.random()) };
  }
  return { outcomes, archived: commits.filter((verdict) => verdict === "archived").length, duplicates };
}
