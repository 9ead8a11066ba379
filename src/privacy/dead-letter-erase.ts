import type { DeadLetterRecord } from "../queues/dead-letter";
import { countCoveredValues, isPlainObject, namesCoveredPerson, type Covered } from "./covered";

/** What a deletion does to one dead letter. */
export type DeadLetterErasure =
  { action: "keep" } | { action: "delete"; removedEvents: number } | { action: "rewrite"; record: DeadLetterRecord; removedEvents: number };

/**
 * Erases covered people from one dead letter (src/queues/dead-letter.ts). Its body is a queue
 * message: an EVENTS or IDENTITY message or a DELIVERIES batch (`{events: [...]}`), one delivery
 * (`{destinationId, event}`), or one unreadable event. Their events are dropped by identifier as
 * in the archive; a letter left without events is deleted, one with others' events is rewritten
 * without theirs. A letter that still holds a covered identifier value anywhere after that (a
 * message no consumer could read, or an id in another event's property) is deleted whole: it
 * cannot be re-driven as it is, and keeping it would keep them.
 */
export function eraseFromDeadLetter(record: DeadLetterRecord, covered: Covered): DeadLetterErasure {
  const body = record.body;
  let removedEvents = 0;
  let rewritten: DeadLetterRecord | undefined;
  if (isPlainObject(body) && Array.isArray(body.events)) {
    const kept = body.events.filter((event) => !namesCoveredPerson(event, covered));
    removedEvents = body.events.length - kept.length;
    if (removedEvents > 0 && kept.length === 0) return { action: "delete", removedEvents };
    if (removedEvents > 0) rewritten = { ...record, body: { ...body, events: kept } };
  } else if (isPlainObject(body) && isPlainObject(body.event)) {
    if (namesCoveredPerson(body.event, covered)) return { action: "delete", removedEvents: 1 };
  } else if (namesCoveredPerson(body, covered)) {
    return { action: "delete", removedEvents: 1 };
  }
  const remaining = rewritten ?? record;
  if (countCoveredValues(remaining.body, covered) > 0) return { action: "delete", removedEvents };
  return rewritten ? { action: "rewrite", record: rewritten, removedEvents } : { action: "keep" };
}
