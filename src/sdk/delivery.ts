import { MAX_BATCH_BYTES, MAX_EVENT_BYTES, MAX_KEEPALIVE_BYTES, splitIntoBatches } from "./batching";
import { computeBackoff, isRetryableStatus } from "./retry";
import type { SegmentEvent } from "./types";

export interface DeliveryConfig {
  url: string;
  writeKey: string;
  credentials: RequestCredentials;
  flushAt: number;
  flushInterval: number;
  /** Called with the time a batch was sent once its response (and any Set-Cookie) is in. */
  onResponse: (sentAt: number) => void;
}

const MAX_QUEUED = 1000;
const byteLength = (text: string) => new Blob([text]).size;

/**
 * The send queue. localStorage holds it (read-modify-write, so tabs add to one queue rather than
 * overwrite each other's), which is what lets events survive reloads and offline periods; each
 * messageId is queued once. Batches go out with `fetch` (keepalive when small enough to outlive
 * the page); on `pagehide` what is left goes by `sendBeacon`. Failures back off with jitter,
 * honouring Retry-After; the server dedupes by messageId whatever the network repeats.
 */
export function createDelivery(config: DeliveryConfig) {
  const key = `sluice_queue:${config.writeKey}`;
  const inflight = new Set<string>();
  const waiters = new Map<string, () => void>();
  let memory: SegmentEvent[] = [];
  let held = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const read = (): SegmentEvent[] => {
    try {
      return JSON.parse(localStorage.getItem(key) || "[]") as SegmentEvent[]; // what `write` put there
    } catch {
      return memory;
    }
  };
  const write = (events: SegmentEvent[]) => {
    memory = events.slice(-MAX_QUEUED);
    try {
      localStorage.setItem(key, JSON.stringify(memory));
    } catch {
      /* blocked or full: memory keeps this tab's events */
    }
  };
  const settle = (ids: string[]) => {
    const gone = new Set(ids);
    write(read().filter((event) => !gone.has(event.messageId)));
    for (const id of ids) {
      waiters.get(id)?.();
      waiters.delete(id);
    }
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  };
  const bodyOf = (batch: SegmentEvent[], sentAt: number) => JSON.stringify({ batch, writeKey: config.writeKey, sentAt: new Date(sentAt).toISOString() });
  const retry = (retryAfter: string | null) => schedule(computeBackoff(++attempt, Math.random(), retryAfter));

  function post(batch: SegmentEvent[]) {
    const ids = batch.map((event) => event.messageId);
    ids.forEach((id) => inflight.add(id));
    const sentAt = Date.now();
    const body = bodyOf(batch, sentAt);
    fetch(config.url, {
      method: "POST",
      body,
      keepalive: byteLength(body) < MAX_KEEPALIVE_BYTES,
      credentials: config.credentials,
    })
      .then(
        (response) => {
          config.onResponse(sentAt);
          if (isRetryableStatus(response.status)) return retry(response.headers.get("Retry-After"));
          attempt = 0;
          settle(ids); // 2xx, or a 4xx no retry can fix
        },
        () => retry(null), // network error
      )
      .finally(() => ids.forEach((id) => inflight.delete(id)));
  }

  function flush(unloading = false) {
    clearTimeout(timer);
    timer = undefined;
    if (held || navigator.onLine === false) return; // offline: the queue keeps them for later
    const ready = read().filter((event) => !inflight.has(event.messageId));
    const sizeOf = (event: SegmentEvent) => byteLength(JSON.stringify(event));
    if (!unloading) return splitIntoBatches(ready, sizeOf, MAX_BATCH_BYTES).forEach(post);
    // A beacon's `true` means only "queued": the events stay in the queue until a response
    // confirms them, so a beacon lost with the network costs a resend (deduped by messageId)
    // on the next page, never an event.
    for (const batch of splitIntoBatches(ready, sizeOf, MAX_KEEPALIVE_BYTES - 200)) {
      navigator.sendBeacon?.(config.url, new Blob([bodyOf(batch, Date.now())], { type: "text/plain" }));
    }
  }

  addEventListener("online", () => flush());
  addEventListener("pagehide", () => flush(true));
  addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flush(true));
  if (read().length) schedule(0); // what earlier pages left behind

  return {
    /** Resolves once the event is delivered (or refused for good); never rejects. */
    enqueue(event: SegmentEvent): Promise<void> {
      if (byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES) {
        console.warn("sluice: event over 32 KB dropped", event.type, event.event || "");
        return Promise.resolve();
      }
      const delivered = new Promise<void>((resolve) => waiters.set(event.messageId, resolve));
      const queue = read();
      if (!queue.some((queued) => queued.messageId === event.messageId)) write([...queue, event]);
      if (queue.length + 1 >= config.flushAt) flush();
      else if (!timer) schedule(config.flushInterval);
      return delivered;
    },
    flush,
    /** Holds events back (consent not yet given) or lets them go. */
    hold(value: boolean) {
      held = value;
      if (!value) flush();
    },
    /** Rewrites the waiting events (to stamp consent on them), or drops them all when `edit` gives null. */
    edit(edit: (event: SegmentEvent) => SegmentEvent | null) {
      const kept = read()
        .map(edit)
        .filter((event): event is SegmentEvent => event !== null);
      write(kept);
    },
  };
}
