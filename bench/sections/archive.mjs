// Section `archive`: how long after the last 200 a known set of events is readable through the
// admin archive endpoint (DESIGN.md promises within 10 s), and whether each one is there exactly
// once. Only this section's messageIds are counted: the source's archive also holds the events
// of the edge section.
import { browserBatch } from "../lib/events.mjs";
import { DEV, readArchive, send, trackingRequest } from "../lib/client.mjs";
import { log, median, round, sleep } from "../lib/stats.mjs";

const EVENTS = 500;
const BATCH_SIZE = 50;
const POLL_INTERVAL_MS = 200;
const VISIBILITY_TIMEOUT_MS = 30_000;
/** A few of the outbox's 1 s flush delays. */
const QUIET_MS = 3_000;
/** Longer than the outbox's 1 s flush delay, so a late duplicate write would have landed. */
const SETTLE_MS = 2_500;

/** The section's batches, with their messageIds, built before anything is sent. */
function buildBatches(runId) {
  const batches = [];
  for (let offset = 0; offset < EVENTS; offset += BATCH_SIZE) {
    batches.push(browserBatch(Math.min(BATCH_SIZE, EVENTS - offset), `bench-${runId}-archive-${offset / BATCH_SIZE}`));
  }
  const messageIds = new Set(batches.flatMap((body) => body.batch.map((event) => event.messageId)));
  if (messageIds.size !== EVENTS) throw new Error(`bench bug: ${messageIds.size} unique messageIds for ${EVENTS} events`);
  return { batches, messageIds };
}

/** Sends the batches one after another; every event must be accepted, or the count is off. */
async function sendBatches(baseUrl, batches) {
  for (const body of batches) {
    const answer = JSON.parse(await send(trackingRequest(baseUrl, "/v1/batch", body)));
    if (answer.errors) throw new Error(`Sluice rejected archive-section events: ${JSON.stringify(answer.errors.slice(0, 3))}`);
  }
}

/** How many times each of `messageIds` appears in the archive read from `from` on. */
async function countArchived(baseUrl, from, messageIds) {
  const counts = new Map();
  for (const event of await readArchive(baseUrl, DEV.sourceId, from)) {
    if (messageIds.has(event.messageId)) counts.set(event.messageId, (counts.get(event.messageId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Polls until every messageId is archived. Returns when the successful read started (the
 * archive is listed at the start of a read, so that is when the events were seen; the read's
 * own duration, which grows with the hour's archive, is not charged to the pipeline) and how
 * long each read took.
 */
async function waitUntilAllVisible(baseUrl, from, messageIds) {
  const readMs = [];
  const deadline = performance.now() + VISIBILITY_TIMEOUT_MS;
  for (;;) {
    const start = performance.now();
    const counts = await countArchived(baseUrl, from, messageIds);
    readMs.push(performance.now() - start);
    if (counts.size === messageIds.size) return { visibleAt: start, readMs };
    if (performance.now() >= deadline) {
      log(`archive: only ${counts.size} of ${messageIds.size} events visible after ${VISIBILITY_TIMEOUT_MS / 1000} s`);
      return { visibleAt: undefined, readMs };
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

export async function benchArchive(baseUrl, runId) {
  const { batches, messageIds } = buildBatches(runId);
  // The edge section's backlog is committed to the outbox by now but may still be flushing to
  // R2; let that finish so it is not charged to this section's events.
  await sleep(QUIET_MS);
  // `from` narrows the read to this section's events by receivedAt (server clock = this
  // machine's clock); the margin covers millisecond rounding, not clock skew.
  const from = new Date(Date.now() - 1_000);

  log(`archive: sending ${EVENTS} events in ${batches.length} batches`);
  const firstSendAt = performance.now();
  await sendBatches(baseUrl, batches);
  const lastAckAt = performance.now();

  const { visibleAt, readMs } = await waitUntilAllVisible(baseUrl, from, messageIds);
  const secondsAfter = (instant) => (visibleAt === undefined ? null : round((visibleAt - instant) / 1000));
  log(`archive: all visible ${secondsAfter(lastAckAt) ?? "never"} s after the last 200`);

  // Duplicates could only show up after a second flush; read once more after it would have run.
  await sleep(SETTLE_MS);
  const counts = await countArchived(baseUrl, from, messageIds);
  const missing = messageIds.size - counts.size;
  const duplicated = [...counts.values()].filter((count) => count > 1).length;

  return {
    events: EVENTS,
    batchSize: BATCH_SIZE,
    archiveVisibleSeconds: secondsAfter(lastAckAt),
    archiveVisibleSinceFirstSendSeconds: secondsAfter(firstSendAt),
    archiveReadP50Ms: round(median(readMs)),
    polls: readMs.length,
    missing,
    duplicated,
    archivedExactlyOnce: missing === 0 && duplicated === 0,
  };
}
