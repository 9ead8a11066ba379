import { z } from "zod";
import type { AcceptedEvent } from "../spec/accepted-event";
import { deliverBatch } from "./deliver";
import { describeExhausted, nextRetryDelaySeconds } from "./delivery-policy";
import type { RegisteredDestinationType, UnitContext } from "./types";

/** One DELIVERIES message: a batch of events for one destination, and its retry state. */
export interface DeliveriesMessage {
  v: 1;
  destinationId: string;
  events: AcceptedEvent[];
  /** Attempts made before this one (0 for a new batch). */
  attempts: number;
  /** When the first attempt was queued (ISO-8601): retries stop 4 hours after it. */
  firstQueuedAt: string;
  /**
   * On a retry, per messageId, the units (an Actions destination's subscriptions) that have not
   * taken the event yet; the others are not sent it again.
   */
  owed?: Record<string, string[]>;
}

const deliveriesMessage = z.object({
  v: z.literal(1),
  destinationId: z.string().min(1),
  events: z.array(z.looseObject({ messageId: z.string(), receivedAt: z.string() })),
  attempts: z.number().int().min(0),
  firstQueuedAt: z.iso.datetime(),
  owed: z.record(z.string(), z.array(z.string())).optional(),
});

export interface DeliveryDecision {
  delivered: number;
  /** End-to-end latencies (receivedAt → delivered), ms. */
  latenciesMs: number[];
  /** Events to send again later (only those whose request failed in a retryable way). */
  retry: { message: DeliveriesMessage; delaySeconds: number } | null;
  /** Events for the dead-letter queue: failed for good, or out of retry time. */
  deadLetters: { event: AcceptedEvent; reason: string }[];
  /** The destination is gone or disabled: the events are dropped, counted. */
  discarded: { count: number; reason: string } | null;
}

export interface DeliveryDeps {
  destination: (id: string) => Promise<{ enabled: boolean; type: RegisteredDestinationType; settings: Record<string, unknown> } | null>;
  fetcher: typeof fetch;
  /** What the destination's type may need while delivering (sealed settings, saving refreshed tokens). */
  context?: (destinationId: string) => UnitContext;
  now: () => number;
  random: () => number;
  /** Seconds before the first retry (doubling after); FIRST_DELAY_SECONDS unless configured. */
  firstRetryDelaySeconds?: number;
}

export function parseDeliveriesMessage(body: unknown): DeliveriesMessage | null {
  const parsed = deliveriesMessage.safeParse(body);
  return parsed.success ? (parsed.data as unknown as DeliveriesMessage) : null;
}

/**
 * Delivers one message's events and decides what happens to each: delivered, sent again later
 * (a new message with only those events, so what was delivered is never sent twice), or
 * dead-lettered. A slow or failing destination only ever holds up its own messages.
 */
export async function deliverMessage(message: DeliveriesMessage, deps: DeliveryDeps): Promise<DeliveryDecision> {
  const decision: DeliveryDecision = { delivered: 0, latenciesMs: [], retry: null, deadLetters: [], discarded: null };
  const target = await deps.destination(message.destinationId);
  if (!target || !target.enabled) {
    decision.discarded = { count: message.events.length, reason: target ? "Destination disabled" : "Destination deleted" };
    return decision;
  }
  const events = message.events as unknown as Record<string, unknown>[];
  const context: UnitContext = { ...deps.context?.(message.destinationId), owed: (index) => message.owed?.[message.events[index]!.messageId] };
  const results = await deliverBatch(target.type, target.settings, events, deps.fetcher, undefined, context);
  const now = deps.now();
  const retrying: AcceptedEvent[] = [];
  const owed: Record<string, string[]> = {};
  // Requests of one message may each ask a wait: the longest honours every one of them.
  let retryAfterSeconds: number | null = null;
  for (const { index, outcome, owed: owedUnits } of results) {
    const event = message.events[index]!;
    if (outcome.kind === "delivered") {
      decision.delivered += 1;
      decision.latenciesMs.push(Math.max(0, now - Date.parse(event.receivedAt)));
    } else if (outcome.kind === "failed") {
      decision.deadLetters.push({ event, reason: `destination ${outcome.reason}; not retried (a 4xx means the request itself is refused)` });
    } else {
      retrying.push(event);
      if (owedUnits) owed[event.messageId] = owedUnits;
      if (outcome.retryAfterSeconds !== undefined) retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, outcome.retryAfterSeconds);
    }
  }
  if (retrying.length > 0) {
    const attempts = message.attempts + 1;
    const firstAttemptAt = Date.parse(message.firstQueuedAt);
    const delaySeconds = nextRetryDelaySeconds({
      attempts,
      firstAttemptAt,
      now,
      random: deps.random(),
      firstDelaySeconds: deps.firstRetryDelaySeconds,
      retryAfterSeconds,
    });
    if (delaySeconds === null) {
      const reason = describeExhausted(retryAfterSeconds);
      for (const event of retrying) decision.deadLetters.push({ event, reason });
    } else {
      const { owed: _previous, ...rest } = message;
      decision.retry = { message: { ...rest, events: retrying, attempts, ...(Object.keys(owed).length > 0 ? { owed } : {}) }, delaySeconds };
    }
  }
  return decision;
}
