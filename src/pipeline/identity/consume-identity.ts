import type { AcceptedEvent } from "../../ingest/enrich";
import type { BatchSummaryBase, MessageOutcome, QueuedMessage } from "../consume-events";
import type { DeadLetterEnvelope } from "../dead-letter";
import { decodeEventsMessage } from "../events-message";
import { computeRetryDelaySeconds } from "../retry-policy";
import type { EventViolation, ResolvedEvents } from "./identity-stage";

export interface IdentityConsumerDeps {
  queue: string;
  random: () => number;
  /** Resolves events in order (identity-stage.ts); reports the ones to retry by index. */
  resolve: (events: AcceptedEvent[]) => Promise<ResolvedEvents>;
}

export interface IdentityBatchSummary extends BatchSummaryBase {
  violations: EventViolation[];
  resolved: number;
}

/**
 * The IDENTITY consumer for one batch of archived events (forwarded by the EVENTS consumer):
 * the whole batch resolves at once, so people spread over many messages resolve in parallel,
 * and a message is retried only when one of its own events was not resolved.
 */
export async function consumeIdentityBatch(messages: readonly QueuedMessage[], deps: IdentityConsumerDeps): Promise<IdentityBatchSummary> {
  const deadLetters: DeadLetterEnvelope[] = [];
  const events: AcceptedEvent[] = [];
  const messageOf: number[] = [];
  messages.forEach((message, index) => {
    const deadLetter = (reason: string, body: unknown) =>
      deadLetters.push({ deadLetter: { queue: deps.queue, messageId: message.id, reason }, body });
    const decoded = decodeEventsMessage(message.body);
    if (!decoded.ok) return deadLetter(decoded.reason, message.body);
    for (const { reason, event } of decoded.unreadable) deadLetter(reason, event);
    for (const event of decoded.events) {
      events.push(event);
      messageOf.push(index);
    }
  });

  const { violations, failed } = events.length > 0 ? await deps.resolve(events) : { violations: [], failed: new Set<number>() };
  const retried = new Set([...failed].map((eventIndex) => messageOf[eventIndex]!));
  const outcomes = messages.map((message, index): MessageOutcome =>
    retried.has(index) ? { kind: "retry", delaySeconds: computeRetryDelaySeconds(message.attempts, deps.random()) } : { kind: "ack" },
  );
  return { outcomes, deadLetters, violations, resolved: events.length - failed.size };
}
