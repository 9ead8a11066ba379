// What ingest puts on the EVENTS queue for one `/v1/batch` body: the events accepted and enriched
// as the edge does (src/ingest), packed into queue messages as the edge packs them. Bundled by
// esbuild for the bench (bench/sections/consumer.mjs), so the consumer is fed exactly what it eats:
// each message's JSON text, as the edge sends it (contentType "text").
import { acceptBatch } from "../../src/ingest/accept-payload";
import { packEventsIntoMessages } from "../../src/queues/pack-events";

export function eventsMessages(body: unknown, sourceId: string, receivedAt: Date): string[] {
  const { events, rejected } = acceptBatch(body, { receivedAt, sourceId, ip: "203.0.113.7" }, () => crypto.randomUUID());
  if (rejected.length > 0) throw new Error(`bench: ${rejected.length} event(s) of the batch were rejected: ${rejected[0]!.message}`);
  return packEventsIntoMessages(events).map((message) => message.body);
}
