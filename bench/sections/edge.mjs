// Section `edge`: latency and throughput of the Tracking API through wrangler dev, each against
// GET /health on the same server in the same run, which carries the same local proxy and
// runtime cost but no work of its own: the ratios are what Sluice adds.
import { browserBatch, browserTrack } from "../lib/events.mjs";
import { DEV, archivedCount, trackingRequest } from "../lib/client.mjs";
import { runLoad, summarizeLoad } from "../lib/load.mjs";
import { log, ratio, round, sleep } from "../lib/stats.mjs";

const CONCURRENCY = 8;
const WARMUP_REQUESTS = 40;
const MEASURED_REQUESTS = 400;
const BATCH_SIZE = 100;
const DRAIN_TIMEOUT_MS = 45_000;

/**
 * Warm-up then measured run of one scenario. `makeRequest(i)` builds request i; all of them are
 * built (and serialized) before the clock starts. Returns the measured run's summary and how
 * many requests of both runs got a 200 (what the pipeline then has to archive).
 */
async function measureScenario(name, makeRequest) {
  const build = (count, offset) => Array.from({ length: count }, (_, i) => makeRequest(offset + i));
  log(`edge: ${name}: ${WARMUP_REQUESTS} warm-up, then ${MEASURED_REQUESTS} requests at concurrency ${CONCURRENCY}`);
  const warmup = summarizeLoad(await runLoad(build(WARMUP_REQUESTS, 0), CONCURRENCY));
  const measured = summarizeLoad(await runLoad(build(MEASURED_REQUESTS, WARMUP_REQUESTS), CONCURRENCY));
  log(`edge: ${name}: p50 ${measured.p50Ms.toFixed(2)} ms, p95 ${measured.p95Ms.toFixed(2)} ms, ${measured.okPerSec.toFixed(0)} req/s`);
  const failed = Object.values(measured.failures).reduce((sum, n) => sum + n, 0);
  if (failed > 0) log(`edge: ${name}: ${failed} of ${MEASURED_REQUESTS} requests failed: ${JSON.stringify(measured.failures)}`);
  return { ...measured, okTotal: warmup.ok + measured.ok };
}

/**
 * Waits until the pipeline has archived `expected` events of the dev source, so the queue
 * consumer's backlog from one scenario does not compete for the 2 cores with the next one.
 * Returns the seconds it took, or null if the backlog did not drain in time.
 */
export async function waitForPipelineDrain(baseUrl, expected) {
  const start = performance.now();
  while (performance.now() - start < DRAIN_TIMEOUT_MS) {
    if ((await archivedCount(baseUrl, DEV.sourceId)) >= expected) return (performance.now() - start) / 1000;
    await sleep(200);
  }
  log(`edge: pipeline did not archive ${expected} events within ${DRAIN_TIMEOUT_MS / 1000} s; continuing`);
  return null;
}

/** Runs the three scenarios; `runId` keeps this run's messageIds apart from any other's. */
export async function benchEdge(baseUrl, runId) {
  const health = await measureScenario("GET /health", () => ({ url: `${baseUrl}/health`, init: {} }));

  const track = await measureScenario("POST /v1/track", (i) => trackingRequest(baseUrl, "/v1/track", browserTrack(i, `bench-${runId}-track-${i}`)));
  const trackDrainSeconds = await waitForPipelineDrain(baseUrl, track.okTotal);

  const batch = await measureScenario(`POST /v1/batch (${BATCH_SIZE} events)`, (i) =>
    trackingRequest(baseUrl, "/v1/batch", browserBatch(BATCH_SIZE, `bench-${runId}-batch-${i}`)),
  );
  // After the batch scenario the pipeline holds the largest backlog of the run; how long it takes
  // to archive it shows the consumer's throughput, and the archive section needs a quiet pipeline.
  const batchDrainSeconds = await waitForPipelineDrain(baseUrl, track.okTotal + batch.okTotal * BATCH_SIZE);

  return {
    concurrency: CONCURRENCY,
    requestsPerScenario: MEASURED_REQUESTS,
    healthP50Ms: round(health.p50Ms),
    healthRps: round(health.okPerSec, 0),
    trackP50Ms: round(track.p50Ms),
    trackP95Ms: round(track.p95Ms),
    trackRps: round(track.okPerSec, 0),
    batch100P50Ms: round(batch.p50Ms),
    batch100P95Ms: round(batch.p95Ms),
    batchEventsPerSec: round(batch.okPerSec * BATCH_SIZE, 0),
    trackVsHealthP50Ratio: ratio(track.p50Ms, health.p50Ms),
    batch100VsHealthP50Ratio: ratio(batch.p50Ms, health.p50Ms),
    // Non-200 answers by status; latencies and rates above count only the 200s.
    failures: { health: health.failures, track: track.failures, batch100: batch.failures },
    trackBacklogDrainSeconds: round(trackDrainSeconds),
    batchBacklogDrainSeconds: round(batchDrainSeconds),
  };
}
