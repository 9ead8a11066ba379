import { z } from "zod";
import type { AcceptedEvent } from "../ingest/enrich";

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

const envelope = z.object({ v: z.literal(1), events: z.array(z.unknown()) });

export interface UnreadableEvent {
  reason: string;
  event: unknown;
}

export type DecodeResult =
  | { ok: true; events: AcceptedEvent[]; unreadable: UnreadableEvent[] }
  | { ok: false; reason: string };

export function decodeEventsMessage(body: unknown): DecodeResult {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `unreadable events message: ${describe(parsed.error)}` };

  const events: AcceptedEvent[] = [];
  const unreadable: UnreadableEvent[] = [];
  for (const event of parsed.data.events) {
    const checked = queuedEvent.safeParse(event);
    if (checked.success) events.push(checked.data as AcceptedEvent);
    else unreadable.push({ reason: `unreadable event: ${describe(checked.error)}`, event });
  }
  return { ok: true, events, unreadable };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join(".") || "body"} ${issue.message}`;
}
