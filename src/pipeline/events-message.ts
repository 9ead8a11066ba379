import { z } from "zod";
import type { EventsMessage } from "../ingest/pack-messages";

/**
 * What the consumer requires of a queued event: the fields the edge guarantees. Anything else
 * is a message this version cannot read, a poison message for the dead-letter queue.
 */
const queuedEvent = z.looseObject({
  type: z.string(),
  messageId: z.string().min(1),
  projectId: z.string().min(1),
  receivedAt: z.iso.datetime(),
  timestamp: z.iso.datetime(),
  context: z.record(z.string(), z.unknown()),
});

const eventsMessage = z.object({ v: z.literal(1), events: z.array(queuedEvent) });

export type DecodeResult = { ok: true; message: EventsMessage } | { ok: false; reason: string };

export function decodeEventsMessage(body: unknown): DecodeResult {
  const parsed = eventsMessage.safeParse(body);
  if (parsed.success) return { ok: true, message: parsed.data as EventsMessage };
  const issue = parsed.error.issues[0]!;
  return { ok: false, reason: `unreadable events message: ${issue.path.join(".") || "body"} ${issue.message}` };
}
