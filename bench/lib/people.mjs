// Sending many people's events the way a site's visitors produce them, for the identity and
// profileMemory sections.
import { send, trackingRequest } from "./client.mjs";

/** Runs `task` over `items`, at most `concurrency` at a time. */
export async function eachLimited(items, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/**
 * Sends each person's `events` through `/v1/batch`, interleaved by step as many visitors browse
 * at once, `batchSize` events per request and `concurrency` requests at a time (queues do not
 * promise order anyway).
 */
export async function sendInterleaved(baseUrl, people, { batchSize, concurrency }) {
  const steps = Math.max(...people.map((person) => person.events.length));
  const all = [];
  for (let step = 0; step < steps; step += 1) for (const person of people) if (step < person.events.length) all.push(person.events[step]);
  const batches = [];
  for (let offset = 0; offset < all.length; offset += batchSize) batches.push(all.slice(offset, offset + batchSize));
  await eachLimited(batches, concurrency, (batch) => send(trackingRequest(baseUrl, "/v1/batch", { batch })));
  return all.length;
}
