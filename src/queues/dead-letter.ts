import { z } from "zod";

/**
 * Dead letters: messages a consumer could not process. The consumer sends unreadable messages
 * wrapped with a reason; messages whose retries ran out arrive bare. Either way the DLQ consumer
 * keeps them in R2 under `dead-letter/<queue>/<date>/<messageId>.json` for inspection and re-drive.
 */
export type QueueRole = "events" | "identity" | "deliveries" | "dead-letter";

/** Queues are told apart by name, so renamed deployments (`sluice-staging-events`) still work. */
export function classifyQueue(name: string): QueueRole | undefined {
  if (name.endsWith("-dlq")) return "dead-letter";
  if (name.endsWith("deliveries")) return "deliveries";
  if (name.endsWith("events")) return "events";
  if (name.endsWith("identity")) return "identity";
  return undefined;
}

export interface DeadLetterEnvelope {
  deadLetter: { queue: string; messageId: string; reason: string };
  body: unknown;
}

export interface DeadLetterRecord {
  queue: string;
  originalQueue?: string;
  messageId: string;
  reason: string;
  attempts: number;
  deadLetteredAt: string;
  body: unknown;
}

/** The stored shape of a record (the R2 object the DLQ consumer writes). */
export const deadLetterRecordSchema = z.object({
  queue: z.string(),
  originalQueue: z.string().optional(),
  messageId: z.string(),
  reason: z.string(),
  attempts: z.number(),
  deadLetteredAt: z.string(),
  body: z.unknown(),
}) satisfies z.ZodType<DeadLetterRecord>;

function isEnvelope(body: unknown): body is DeadLetterEnvelope {
  return typeof body === "object" && body !== null && "deadLetter" in body && "body" in body;
}

/**
 * EVENTS and IDENTITY messages travel as JSON text (src/queues/pack-events.ts): a letter keeps
 * such a body parsed, as messages queued as objects are kept, so what reads letters (a deletion
 * looking for the people in them, src/privacy) sees their events. Text that is not JSON stays text.
 */
function storedBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

export function deadLetterRecord(queue: string, message: { id: string; attempts: number; body: unknown }, now: Date): DeadLetterRecord {
  if (isEnvelope(message.body)) {
    const { deadLetter } = message.body;
    const body = storedBody(message.body.body);
    return {
      queue,
      originalQueue: deadLetter.queue,
      messageId: deadLetter.messageId,
      reason: deadLetter.reason,
      attempts: message.attempts,
      deadLetteredAt: now.toISOString(),
      body,
    };
  }
  return {
    queue,
    messageId: message.id,
    reason: "retries exhausted",
    attempts: message.attempts,
    deadLetteredAt: now.toISOString(),
    body: storedBody(message.body),
  };
}

/**
 * Where a dead letter is kept. Deliveries carry their destination and are kept under it
 * (`dead-letter/<queue>/<destinationId>/<date>/…`), so the admin API lists and re-drives one
 * destination's by prefix. Ids are URI-encoded: a messageId is the client's and may hold `/`.
 */
export function deadLetterKey(queue: string, messageId: string, now: Date, destinationId?: string): string {
  const scope = destinationId === undefined ? "" : `${encodeURIComponent(destinationId)}/`;
  return `dead-letter/${queue}/${scope}${now.toISOString().slice(0, 10)}/${encodeURIComponent(messageId)}.json`;
}

/** The destination a dead-lettered delivery was for, when its body names one. */
export function destinationOfDeadLetter(record: Pick<DeadLetterRecord, "body">): string | undefined {
  const body = record.body as { destinationId?: unknown } | null;
  return typeof body === "object" && body !== null && typeof body.destinationId === "string" ? body.destinationId : undefined;
}
