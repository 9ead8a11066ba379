// Section `delivery`: events from the Tracking API to a webhook destination through wrangler dev
// (EVENTS consumer → fan-out → DELIVERIES consumer → one POST per event) to a Node receiver on
// this machine. Baseline in the same run: when the same events are all readable in the archive
// (GET /api/v1/archive), which every event reaches by the same first half of the pipeline. The
// receiver counts every messageId, so a lost or doubled event shows up next to the numbers.
import { createServer } from "node:http";
import { waitUntilAllVisible } from "../lib/archive-visibility.mjs";
import { adminGet, adminPost, send, trackingRequest } from "../lib/client.mjs";
import { browserBatch } from "../lib/events.mjs";
import { runLoad } from "../lib/load.mjs";
import { log, quantile, ratio, round, sleep } from "../lib/stats.mjs";

/** `SLUICE_BENCH_DELIVERY_EVENTS` overrides it (small while developing). */
const DEFAULT_EVENTS = 2_000;
const BATCH_SIZE = 100;
const SEND_CONCURRENCY = 4;
/** Nothing at the receiver by then means delivery is broken, not slow: the bench stops. */
const FIRST_ARRIVAL_TIMEOUT_MS = 60_000;
/** After this, whatever has not arrived is reported as missing. */
const COMPLETE_TIMEOUT_MS = 180_000;
const ARCHIVE_TIMEOUT_MS = 120_000;
const POLL_MS = 50;
/** Longer than the DELIVERIES consumer's 1 s batch timeout, so a late duplicate would have landed. */
const SETTLE_MS = 3_000;

/**
 * A webhook receiver that answers 200 to everything and notes, per messageId, how often it came,
 * when it first came (performance.now(), the clock the sender uses) and its end-to-end latency
 * (arrival by this machine's wall clock minus the `receivedAt` Sluice stamped at ingest).
 */
async function startReceiver() {
  const counts = new Map();
  const firstArrivals = new Map();
  const latenciesMs = new Map();
  let unreadable = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const arrivedAt = performance.now();
      const wallClock = Date.now();
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        unreadable += 1;
        response.writeHead(400).end("not JSON");
        return;
      }
      // One event per request unless the destination batches (settings.batch), then an array.
      for (const event of Array.isArray(body) ? body : [body]) {
        const messageId = String(event?.messageId);
        counts.set(messageId, (counts.get(messageId) ?? 0) + 1);
        if (firstArrivals.has(messageId)) continue;
        firstArrivals.set(messageId, arrivedAt);
        latenciesMs.set(messageId, wallClock - Date.parse(event.receivedAt));
      }
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${server.address().port}/hook`, counts, firstArrivals, latenciesMs, unreadable: () => unreadable, close };
}

/** A source of its own (so no other section's events reach the destination) and a webhook to the receiver. */
async function createPipeline(baseUrl, runId, receiverUrl) {
  const { source } = await adminPost(baseUrl, "/api/v1/sources", { name: `bench ${runId} delivery` });
  const { destination } = await adminPost(baseUrl, "/api/v1/destinations", {
    name: `bench ${runId} receiver`,
    type: "webhook",
    enabled: true,
    sourceIds: [source.id],
    settings: { url: receiverUrl },
  });
  return { source, destination };
}

/**
 * Waits until every one of `messageIds` has arrived, counting from `since` (performance.now()).
 * Throws if none has after FIRST_ARRIVAL_TIMEOUT_MS; false if some are still missing after
 * COMPLETE_TIMEOUT_MS.
 */
async function waitForArrivals(receiver, messageIds, since) {
  while (performance.now() < since + COMPLETE_TIMEOUT_MS) {
    let arrived = 0;
    for (const id of messageIds) if (receiver.firstArrivals.has(id)) arrived += 1;
    if (arrived === messageIds.size) return true;
    if (arrived === 0 && performance.now() > since + FIRST_ARRIVAL_TIMEOUT_MS) {
      throw new Error(
        `delivery bench: the webhook receiver got none of ${messageIds.size} event(s) within ${FIRST_ARRIVAL_TIMEOUT_MS / 1000} s; delivery is broken (see the server log)`,
      );
    }
    await sleep(POLL_MS);
  }
  return false;
}

function eventCount() {
  const configured = process.env.SLUICE_BENCH_DELIVERY_EVENTS;
  if (configured === undefined || configured === "") return DEFAULT_EVENTS;
  const count = Number(configured);
  if (!Number.isInteger(count) || count < 1) throw new Error(`SLUICE_BENCH_DELIVERY_EVENTS must be a positive integer, not ${configured}`);
  return count;
}

export async function benchDelivery(baseUrl, runId) {
  const events = eventCount();
  const receiver = await startReceiver();
  try {
    const { source, destination } = await createPipeline(baseUrl, runId, receiver.url);

    // One event first, unmeasured: the path works, and first-use costs (the source's write-key
    // lookup, the DELIVERIES consumer's start) are not charged to the measured events.
    const warmupId = `bench-${runId}-delivery-warmup`;
    const warmup = browserBatch(1, warmupId).batch[0];
    await send(trackingRequest(baseUrl, "/v1/batch", { batch: [warmup] }, source.writeKey));
    await waitForArrivals(receiver, new Set([warmup.messageId]), performance.now());

    const batches = [];
    for (let offset = 0; offset < events; offset += BATCH_SIZE) {
      batches.push(browserBatch(Math.min(BATCH_SIZE, events - offset), `bench-${runId}-delivery-${offset / BATCH_SIZE}`));
    }
    const messageIds = new Set(batches.flatMap((body) => body.batch.map((event) => event.messageId)));
    if (messageIds.size !== events) throw new Error(`bench bug: ${messageIds.size} unique messageIds for ${events} events`);
    const requests = batches.map((body) => trackingRequest(baseUrl, "/v1/batch", body, source.writeKey));

    // `from` narrows the archive read to these events (the warm-up came before it); the margin
    // covers millisecond rounding, not clock skew.
    const from = new Date(Date.now() - 500);
    log(`delivery: sending ${events} events in ${batches.length} batches, ${SEND_CONCURRENCY} at a time`);
    const firstSendAt = performance.now();
    const load = await runLoad(requests, SEND_CONCURRENCY);
    const sendSeconds = (performance.now() - firstSendAt) / 1000;
    const failed = Object.values(load.failures).reduce((sum, n) => sum + n, 0);
    if (failed > 0) throw new Error(`delivery bench: ${failed} of ${batches.length} batches were not accepted: ${JSON.stringify(load.failures)}`);
    log(`delivery: all accepted after ${round(sendSeconds)} s; waiting for the receiver and the archive`);

    const [complete, archive] = await Promise.all([
      waitForArrivals(receiver, messageIds, firstSendAt),
      waitUntilAllVisible(baseUrl, source.id, from, messageIds, ARCHIVE_TIMEOUT_MS),
    ]);
    // Duplicates come late (a redelivered message); wait past the next consumer batch before counting.
    await sleep(SETTLE_MS);

    const arrivals = [...messageIds].map((id) => receiver.firstArrivals.get(id)).filter((at) => at !== undefined);
    const lastArrivalAt = Math.max(...arrivals);
    const deliverySeconds = arrivals.length > 0 ? (lastArrivalAt - firstSendAt) / 1000 : NaN;
    const archiveSeconds = archive.visibleAt === undefined ? NaN : (archive.visibleAt - firstSendAt) / 1000;
    const duplicates = [...messageIds].reduce((sum, id) => sum + Math.max(0, (receiver.counts.get(id) ?? 0) - 1), 0);
    const unexpected = [...receiver.counts.keys()].filter((id) => !messageIds.has(id) && id !== warmup.messageId).length;
    const reported = JSON.parse(await adminGet(baseUrl, `/api/v1/destinations/${destination.id}/delivery`));
    const latencies = [...messageIds].map((id) => receiver.latenciesMs.get(id)).filter((ms) => ms !== undefined);
    log(
      `delivery: ${arrivals.length} of ${events} delivered in ${round(deliverySeconds)} s (archive complete after ${round(archiveSeconds)} s)${complete ? "" : ", some missing"}`,
    );

    const replay = await benchReplay(baseUrl, runId, source, messageIds, from, deliverySeconds);

    return {
      events,
      batchSize: BATCH_SIZE,
      sendConcurrency: SEND_CONCURRENCY,
      sendSeconds: round(sendSeconds),
      deliverySeconds: round(deliverySeconds),
      deliveredEventsPerSec: round(arrivals.length / deliverySeconds, 0),
      latencyP50Ms: round(quantile(latencies, 0.5), 0),
      latencyP95Ms: round(quantile(latencies, 0.95), 0),
      latencyP99Ms: round(quantile(latencies, 0.99), 0),
      // The same events, from receivedAt to the first archive read that listed them (to within a poll).
      archiveLatencyP50Ms: round(quantile([...archive.latencyMs.values()], 0.5), 0),
      archiveLatencyP99Ms: round(quantile([...archive.latencyMs.values()], 0.99), 0),
      archiveVisibleSeconds: round(archiveSeconds),
      deliveryVsArchiveRatio: ratio(deliverySeconds, archiveSeconds),
      received: arrivals.length,
      missing: events - arrivals.length,
      duplicates,
      unexpected,
      deliveredExactlyOnce: arrivals.length === events && duplicates === 0,
      unreadableBodies: receiver.unreadable(),
      // What the destination's own metrics say (the warm-up event is one of its deliveries).
      sluiceReported: { delivered: reported.delivered - 1, failed: reported.failed, retrying: reported.retrying, p95LatencyMs: reported.p95LatencyMs },
      replay,
    };
  } finally {
    await receiver.close();
  }
}

/**
 * The same events again, from the archive, into a second webhook through a replay at its highest
 * rate: events/s from the POST until the receiver has them all and the replay says finished.
 * The ratio is against live delivery of the same events measured just before.
 */
async function benchReplay(baseUrl, runId, source, messageIds, from, liveSeconds) {
  const receiver = await startReceiver();
  try {
    const { destination } = await adminPost(baseUrl, "/api/v1/destinations", {
      name: `bench ${runId} replay receiver`,
      type: "webhook",
      enabled: true,
      sourceIds: [source.id],
      settings: { url: receiver.url },
    });
    log(`delivery: replaying the ${messageIds.size} events into a second webhook`);
    const startedAt = performance.now();
    const { replay } = await adminPost(baseUrl, "/api/v1/replays", {
      sourceId: source.id,
      destinationIds: [destination.id],
      from: from.toISOString(),
      to: new Date(Date.now() + 1_000).toISOString(),
      ratePerSecond: 5_000,
    });
    const complete = await waitForArrivals(receiver, messageIds, startedAt);
    const arrivals = [...messageIds].map((id) => receiver.firstArrivals.get(id)).filter((at) => at !== undefined);
    const seconds = (Math.max(...arrivals) - startedAt) / 1000;
    let status;
    for (let tries = 0; tries < 100; tries += 1) {
      status = JSON.parse(await adminGet(baseUrl, `/api/v1/replays/${replay.id}`)).replay;
      if (status.status !== "running") break;
      await sleep(POLL_MS * 4);
    }
    const duplicates = [...messageIds].reduce((sum, id) => sum + Math.max(0, (receiver.counts.get(id) ?? 0) - 1), 0);
    log(`delivery: replay delivered ${arrivals.length} in ${round(seconds)} s (${status.status}, sent ${status.sent} of ${status.total})`);
    return {
      seconds: round(seconds),
      eventsPerSec: round(arrivals.length / seconds, 0),
      replayVsLiveRatio: ratio(seconds, liveSeconds),
      complete,
      duplicates,
      status: status.status,
      sent: status.sent,
      total: status.total,
    };
  } finally {
    await receiver.close();
  }
}
