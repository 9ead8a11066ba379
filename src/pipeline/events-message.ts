import { z } from "zod";
import type { AcceptedEvent } from "../spec/accepted-event";
import type { DeadLetterEnvelope } from "../queues/dead-letter";

/**
 * What the consumer requires of a queued event: the fields the edge guarantees. An event that
 * lacks them is poison for the dead-letter queue, alone: its neighbours in the message go on.
 */
const queuedEvent = z.looseObject({
  type: z.string(),
  messageId: z.string().min(1),
  projectId: z.string().min(1),
  receivedAt: z.iso.datetime(),
  timestamp: z.iso.datetime(),
  context: z.record(z.string(), z.unknown()),
});

const envelope = z.object({ v: z.literal(1), events: z.array(z.unknown()), forwarded: z.literal(true).optional() });

export interface UnreadableEvent {
  reason: string;
  event: unknown;
  /** Its place in the message's events: several unreadable events of one message each keep their own dead letter. */
  position: number;
}

export type DecodeResult = { ok: true; events: AcceptedEvent[]; unreadable: UnreadableEvent[]; forwarded: boolean } | { ok: false; reason: string };

/**
 * One EVENTS or IDENTITY message's events. Senders queue the envelope as JSON text (contentType
 * "text", see `src/queues/pack-events.ts`); messages queued before that, still on a deployed
 * queue during a rollout, carry the object itself (contentType "json"): both are read.
 */
export function decodeEventsMessage(body: unknown): DecodeResult {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, reason: "unreadable events message: body is text but not JSON" };
    }
  }
  const parsed = envelope.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `unreadable events message: ${describe(parsed.error)}` };

  const events: AcceptedEvent[] = [];
  const unreadable: UnreadableEvent[] = [];
  parsed.data.events.forEach((event, position) => {
    const checked = queuedEvent.safeParse(event);
    if (checked.success) events.push(checked.data as AcceptedEvent);
    else unreadable.push({ reason: `unreadable event: ${describe(checked.error)}`, event, position });
  });
  return { ok: true, events, unreadable, forwarded: parsed.data.forwarded === true };
}

/** An event of a consumer batch, with the queue message it came in (id and index). */
export interface BatchEntry {
  event: AcceptedEvent;
  owner: string;
  message: number;
  /** Forwarded by the consumer from another source: the plan does not apply again. */
  forwarded: boolean;
}

/**
 * Decodes every message of a consumer batch: readable events in order, and a dead letter for
 * each unreadable message or event (wrapped with its reason), which never holds up the rest.
 */
export function decodeBatch(queue: string, messages: readonly { id: string; body: unknown }[]): { entries: BatchEntry[]; deadLetters: DeadLetterEnvelope[] } {
  const entries: BatchEntry[] = [];
  const deadLetters: DeadLetterEnvelope[] = [];
  messages.forEach((message, index) => {
    const deadLetter = (messageId: string, reason: string, body: unknown) => deadLetters.push({ deadLetter: { queue, messageId, reason }, body });
    const decoded = decodeEventsMessage(message.body);
    if (!decoded.ok) return deadLetter(message.id, decoded.reason, message.body);
    for (const { reason, event, position } of decoded.unreadable) deadLetter(`${message.id}-${position}`, reason, event);
    for (const event of decoded.events) entries.push({ event, owner: message.id, message: index, forwarded: decoded.forwarded });
  });
  return { entries, deadLetters };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join(".") || "body"} ${issue.message}`;
}
