import type { AcceptedEvent } from "../../spec/accepted-event";
import type { BatchSummaryBase, MessageOutcome, QueuedMessage } from "../consume-events";
import { decodeBatch } from "../events-message";
import { computeRetryDelaySeconds } from "../retry-policy";
import type { EventViolation } from "../../identity/violations";
import type { ResolvedEvents } from "./identity-stage";

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
 * The IDENTITY consumer for one batch of archived events (handed off by the EVENTS consumer):
 * the whole batch resolves at once, so people spread over many messages resolve in parallel,
 * and a message is retried only when one of its own events was not resolved.
 */
export async function consumeIdentityBatch(messages: readonly QueuedMessage[], deps: IdentityConsumerDeps): Promise<IdentityBatchSummary> {
  const { entries, deadLetters } = decodeBatch(deps.queue, messages);
  const events = entries.map((entry) => entry.event);

  const { violations, failed } = events.length > 0 ? await deps.resolve(events) : { violations: [], failed: new Set<number>() };
  const retried = new Set([...failed].map((eventIndex) => entries[eventIndex]!.message));
  const outcomes = messages.map((message, index): MessageOutcome =>
    retried.has(index) ? { kind: "retry", delaySeconds: computeRetryDelaySeconds(message.attempts, deps.random()) } : { kind: "ack" },
  );
  return { outcomes, deadLetters, violations, resolved: events.length - failed.size };
}
