import { sendMessages } from "../queues/send-messages";
import { DeliveryDeadLetters } from "./dead-letters";
import type { Destination } from "./destination-store";
import { deliveriesMessages } from "./route-deliveries";

/** Records one re-drive moves at most; `remaining` says to re-drive again. */
export const MAX_REDRIVEN = 500;

export type RedriveResult =
  { ok: true; redriven: { deadLetters: number; events: number }; remaining: boolean } | { ok: false; status: 400 | 409; field?: string; message: string };

/**
 * Re-drives a destination's dead letters (the named ones, else the oldest MAX_REDRIVEN): queues
 * their events again on DELIVERIES as first attempts, then removes them. A crash in between, or
 * two re-drives at once, can send a dead letter twice, never lose one. The admin API and the
 * console both re-drive through here.
 */
export async function redriveDeadLetters(
  bindings: { ARCHIVE: R2Bucket; DELIVERIES: Queue },
  destination: Destination,
  named: readonly string[] | undefined,
  now: Date,
): Promise<RedriveResult> {
  if (!destination.enabled) {
    return { ok: false, status: 409, message: `Destination ${destination.id} is disabled: enable it before re-driving its dead letters.` };
  }
  const ids = named && [...new Set(named)];
  const store = new DeliveryDeadLetters(bindings.ARCHIVE);
  for (const id of ids ?? []) {
    if (!(await store.belongsTo(id, destination.id))) {
      return { ok: false, status: 400, field: "ids", message: `${id} is not one of destination ${destination.id}'s dead letters.` };
    }
  }
  const keys = ids ?? (await store.keys(destination.id, MAX_REDRIVEN + 1));
  const chosen = keys.slice(0, MAX_REDRIVEN);
  const records = (await Promise.all(chosen.map((key) => store.read(key)))).filter((record) => record !== null);
  const events = records.flatMap((record) => record.events);
  await sendMessages(bindings.DELIVERIES, deliveriesMessages(destination.id, events, now));
  await store.remove(records.map((record) => record.id));
  return { ok: true, redriven: { deadLetters: records.length, events: events.length }, remaining: keys.length > MAX_REDRIVEN };
}
