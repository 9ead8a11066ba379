import type { AcceptedEvent } from "../ingest/enrich";
import { MAX_MESSAGE_BYTES } from "../ingest/pack-messages";
import type { SizedMessage } from "../queues/send-messages";
import type { DeliveriesMessage } from "./consume-deliveries";
import type { DeliveryCounts } from "./delivery-stats";
import { fanOut, type RoutedDestination } from "./fan-out";

const encoder = new TextEncoder();

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
  const messages: SizedMessage<DeliveriesMessage>[] = [];
  const firstQueuedAt = now.toISOString();
  for (const [destinationId, list] of deliveries) {
    let current: AcceptedEvent[] = [];
    let bytes = 200; // the envelope
    const flush = () => {
      if (current.length === 0) return;
      messages.push({ body: { v: 1, destinationId, events: current, attempts: 0, firstQueuedAt }, bytes });
      current = [];
      bytes = 200;
    };
    for (const event of list) {
      const size = encoder.encode(JSON.stringify(event)).byteLength + 1;
      if (current.length > 0 && bytes + size > MAX_MESSAGE_BYTES) flush();
      current.push(event);
      bytes += size;
    }
    flush();
  }
  const counted = new Map<string, DeliveryCounts>();
  for (const { destinationId, reason } of discards) {
    const key = `${destinationId}\u0000${reason}`;
    const entry = counted.get(key) ?? { destinationId, outcome: `discarded:${reason}`, count: 0 };
    entry.count += 1;
    counted.set(key, entry);
  }
  return { messages, discards: [...counted.values()] };
}
