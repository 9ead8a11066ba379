import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Stands in for `cross-fetch` inside Segment's framework (scripts/build-actions.mjs swaps it in):
 * every request an action makes goes to the fetcher of the delivery it runs in, so delivery can
 * classify answers, the preview can capture requests without sending them, and tests can route
 * them (OUTBOUND_ORIGIN), even with several deliveries in flight in one isolate.
 */
const deliveryFetch = new AsyncLocalStorage<typeof fetch>();

export function runWithFetch<T>(fetcher: typeof fetch, run: () => Promise<T>): Promise<T> {
  return deliveryFetch.run(fetcher, run);
}

function scopedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const fetcher = deliveryFetch.getStore();
  if (!fetcher) return Promise.reject(new Error("An Actions destination fetched outside a delivery"));
  return fetcher(input, init);
}

export default scopedFetch;
export const Headers = globalThis.Headers;
export const Request = globalThis.Request;
export const Response = globalThis.Response;
