// When a known set of events becomes readable through the admin archive endpoint, as users and
// replays read it (GET /api/v1/archive): shared by the archive and delivery sections.
import { readArchive } from "./client.mjs";
import { log, sleep } from "./stats.mjs";

const POLL_INTERVAL_MS = 200;

/** How many times each of `messageIds` appears in `sourceId`'s archive read from `from` on. */
export async function countArchived(baseUrl, sourceId, from, messageIds) {
  const counts = new Map();
  for (const event of await readArchive(baseUrl, sourceId, from)) {
    if (messageIds.has(event.messageId)) counts.set(event.messageId, (counts.get(event.messageId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Polls until every messageId is archived. Returns when the successful read started (the
 * archive is listed at the start of a read, so that is when the events were seen; the read's
 * own duration, which grows with the hour's archive, is not charged to the pipeline) and how
 * long each read took; `visibleAt` is undefined if they were not all there within `timeoutMs`.
 * `latencyMs` holds, per event seen, the time from its `receivedAt` (Sluice's stamp at ingest, on
 * this machine's clock) to the start of the first read that listed it: an upper bound, to within
 * one poll.
 */
export async function waitUntilAllVisible(baseUrl, sourceId, from, messageIds, timeoutMs) {
  const readMs = [];
  const latencyMs = new Map();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const start = performance.now();
    const startedAt = Date.now();
    for (const event of await readArchive(baseUrl, sourceId, from)) {
      if (messageIds.has(event.messageId) && !latencyMs.has(event.messageId)) latencyMs.set(event.messageId, startedAt - Date.parse(event.receivedAt));
    }
    readMs.push(performance.now() - start);
    if (latencyMs.size === messageIds.size) return { visibleAt: start, readMs, latencyMs };
    if (performance.now() >= deadline) {
      log(`archive: only ${latencyMs.size} of ${messageIds.size} events visible after ${timeoutMs / 1000} s`);
      return { visibleAt: undefined, readMs, latencyMs };
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
