import type { AcceptedEvent } from "../spec/accepted-event";
import { packIntoMessages } from "../queues/pack-by-size";
import type { SizedMessage } from "../queues/send-messages";
import type { DeliveriesMessage } from "./consume-deliveries";
import type { DeliveryCounts } from "./delivery-stats";
import { fanOut, type RoutedDestination } from "./fan-out";

/**
 * The DELIVERIES messages for a batch of archived events: per destination, its events packed
 * into messages under the queue's size limit, so one destination's batch never waits on
 * another's; and the discards, counted per destination and reason.
 */
export async function planDeliveries(
  events: readonly AcceptedEvent[],
  destinations: readonly RoutedDestination[],
  now: Date,
): Promise<{ messages: SizedMessage<DeliveriesMessage>[]; discards: DeliveryCounts[] }> {
  const { deliveries, discards } = await fanOut(events, destinations);
  const messages = [...deliveries].flatMap(([destinationId, list]) => deliveriesMessages(destinationId, list, now));
  const counted = new Map<string, DeliveryCounts>();
  for (const { destinationId, reason } of discards) {
    const key = `${destinationId}\u0000${reason}`;
    const entry = counted.get(key) ?? { destinationId, outcome: `discarded:${reason}`, count: 0 };
    entry.count += 1;
    counted.set(key, entry);
  }
  return { messages, discards: [...counted.values()] };
}

/** A destination's events as DELIVERIES messages (first attempt), each under the queue's size limit. */
export function deliveriesMessages(destinationId: string, events: readonly AcceptedEvent[], now: Date): SizedMessage<DeliveriesMessage>[] {
  const firstQueuedAt = now.toISOString();
  return packIntoMessages(events, (items): DeliveriesMessage => ({ v: 1, destinationId, events: items, attempts: 0, firstQueuedAt }));
}
