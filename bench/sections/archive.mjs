// Section `archive`: how long after the last 200 a known set of events is readable through the
// admin archive endpoint (DESIGN.md promises within 10 s), and whether each one is there exactly
// once. Only this section's messageIds are counted: the source's archive also holds the events
// of the edge section.
import { browserBatch } from "../lib/events.mjs";
import { countArchived, waitUntilAllVisible } from "../lib/archive-visibility.mjs";
import { DEV, send, trackingRequest } from "../lib/client.mjs";
import { log, median, quantile, round, sleep } from "../lib/stats.mjs";

const EVENTS = 500;
const BATCH_SIZE = 50;
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

  const { visibleAt, readMs, latencyMs } = await waitUntilAllVisible(baseUrl, DEV.sourceId, from, messageIds, VISIBILITY_TIMEOUT_MS);
  const secondsAfter = (instant) => (visibleAt === undefined ? null : round((visibleAt - instant) / 1000));
  log(`archive: all visible ${secondsAfter(lastAckAt) ?? "never"} s after the last 200`);

  // Duplicates could only show up after a second flush; read once more after it would have run.
  await sleep(SETTLE_MS);
  const counts = await countArchived(baseUrl, DEV.sourceId, from, messageIds);
  const missing = messageIds.size - counts.size;
  const duplicated = [...counts.values()].filter((count) => count > 1).length;

  return {
    events: EVENTS,
    batchSize: BATCH_SIZE,
    archiveVisibleSeconds: secondsAfter(lastAckAt),
    archiveVisibleSinceFirstSendSeconds: secondsAfter(firstSendAt),
    // Per event, from its receivedAt to the first archive read that listed it (to within a poll).
    latencyP50Ms: round(quantile([...latencyMs.values()], 0.5), 0),
    latencyP99Ms: round(quantile([...latencyMs.values()], 0.99), 0),
    archiveReadP50Ms: round(median(readMs)),
    polls: readMs.length,
    missing,
    duplicated,
    archivedExactlyOnce: missing === 0 && duplicated === 0,
  };
}
