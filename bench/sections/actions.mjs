// Section `actions`: Segment's Actions destinations running inside the Worker (issue 15), against
// Sluice's own webhook in the same run, on one fresh server whose destination requests all go to a
// Node receiver on this machine (the test hooks' OUTBOUND_ORIGIN, so Amplitude's requests land
// there too). Each destination has a source of its own and gets the same track events, one
// destination at a time (so no two share the cores), in two passes; the receiver counts every
// event by id, so a lost or doubled event shows up next to the numbers.
//
// Two measures per destination. Events/s (first batch sent to last event at the receiver) is what
// the issue asks for, but locally it moves in steps: the queues' 1 s batch windows make events
// arrive in rounds about 1.3 s apart, so a pass that needs one more round is a third slower with
// the same work. The server's CPU per event (Linux) does not: it is everything Sluice did for the
// events, and the difference between two destinations is what their delivery costs.
//
// Also: what bundling the destinations costs in upload size and startup (bench/lib/worker-bundle.mjs),
// and the first read of the catalog, which evaluates every destination's module.
import { adminGet, adminPost, send, trackingRequest } from "../lib/client.mjs";
import { segmentEventsIn, startCountingReceiver, waitForArrivals } from "../lib/counting-receiver.mjs";
import { browserTrack } from "../lib/events.mjs";
import { runLoad } from "../lib/load.mjs";
import { canReadProcessCpu, groupCpuMs, waitUntilQuiet } from "../lib/process-cpu.mjs";
import { log, quantile, ratio, round, sleep } from "../lib/stats.mjs";
import { measureWorkerBundle, WORKER_GZIP_LIMIT_BYTES, WORKER_STARTUP_LIMIT_MS } from "../lib/worker-bundle.mjs";

/** Events each destination gets per pass (there are two); `SLUICE_BENCH_ACTIONS_EVENTS` overrides it (small while developing). */
const DEFAULT_EVENTS = 2_000;
const BATCH_SIZE = 100;
const SEND_CONCURRENCY = 4;
/** Events per request when the Actions webhook batches (Sluice's own sends one array per delivery batch, also at most 100). */
const DESTINATION_BATCH_SIZE = 100;
/** Nothing at the receiver by then means delivery is broken, not slow: the bench stops. */
const FIRST_ARRIVAL_TIMEOUT_MS = 60_000;
/** After this, whatever has not arrived is reported as missing. */
const COMPLETE_TIMEOUT_MS = 180_000;
/** After the last pass: longer than the DELIVERIES consumer's 1 s batch timeout, so a late duplicate would have landed. */
const SETTLE_MS = 3_000;
const TRACKS = 'type = "track"';

/** Segment's Webhook (Actions) `send`, posting the whole event to `url`, as one subscription. */
const sendTo = (url, mapping = {}) => ({
  name: "Tracks",
  subscribe: TRACKS,
  partnerAction: "send",
  mapping: { url, method: "POST", data: { "@path": "$." }, ...mapping },
});

/**
 * Amplitude's own "Track Calls" preset for every track, plus two mappings the receiver needs:
 * `insert_id` from the messageId (Amplitude's dedupe key, unmapped by default) and the event's
 * `receivedAt` in event_properties, for the latency.
 */
function amplitudeTracks(catalog) {
  const preset = catalog.destinations.find((entry) => entry.slug === "amplitude")?.presets.find((candidate) => candidate.name === "Track Calls");
  if (!preset) throw new Error("actions bench: the catalog has no Amplitude preset named Track Calls");
  const mapping = {
    ...preset.mapping,
    insert_id: { "@path": "$.messageId" },
    event_properties: { properties: { "@path": "$.properties" }, receivedAt: { "@path": "$.receivedAt" } },
  };
  return { name: "Tracks", subscribe: TRACKS, partnerAction: preset.partnerAction, mapping };
}

/** The events in an Amplitude HTTP API v2 body. */
function amplitudeEventsIn(body) {
  return (Array.isArray(body?.events) ? body.events : []).map((event) => ({ id: event.insert_id, receivedAt: event.event_properties?.receivedAt }));
}

/**
 * The destinations compared, in the order they run. `path` is the receiver's lane (Amplitude's is
 * its API's own path: OUTBOUND_ORIGIN keeps it); `destination(url, catalog)` is the POST body's type part.
 */
const DESTINATIONS = [
  { key: "webhook", path: "/webhook", destination: (url) => ({ type: "webhook", settings: { url } }) },
  { key: "actionsWebhook", path: "/actions-webhook", destination: (url) => ({ type: "actions:webhook", settings: {}, subscriptions: [sendTo(url)] }) },
  { key: "webhookBatched", path: "/webhook-batched", destination: (url) => ({ type: "webhook", settings: { url, batch: true } }) },
  {
    key: "actionsWebhookBatched",
    path: "/actions-webhook-batched",
    destination: (url) => ({
      type: "actions:webhook",
      settings: {},
      subscriptions: [sendTo(url, { enable_batching: true, batch_size: DESTINATION_BATCH_SIZE })],
    }),
  },
  {
    key: "actionsAmplitude",
    path: "/2/httpapi",
    eventsIn: amplitudeEventsIn,
    destination: (_url, catalog) => ({
      type: "actions:amplitude",
      settings: { apiKey: "bench-amplitude-key", secretKey: "bench-amplitude-secret" },
      subscriptions: [amplitudeTracks(catalog)],
    }),
  },
];

function eventCount() {
  const configured = process.env.SLUICE_BENCH_ACTIONS_EVENTS;
  if (configured === undefined || configured === "") return DEFAULT_EVENTS;
  const count = Number(configured);
  if (!Number.isInteger(count) || count < 1) throw new Error(`SLUICE_BENCH_ACTIONS_EVENTS must be a positive integer, not ${configured}`);
  return count;
}

/** A source of its own and the destination on it; the POST's duration is kept (the first Actions one evaluates its module). */
async function createPipeline(baseUrl, runId, receiver, spec, catalog) {
  const lane = receiver.lane(spec.path, spec.eventsIn ?? segmentEventsIn);
  const { source } = await adminPost(baseUrl, "/api/v1/sources", { name: `bench ${runId} ${spec.key}` });
  const startedAt = performance.now();
  const { destination } = await adminPost(baseUrl, "/api/v1/destinations", {
    name: `bench ${runId} ${spec.key}`,
    enabled: true,
    sourceIds: [source.id],
    ...spec.destination(`${receiver.origin}${spec.path}`, catalog),
  });
  return { spec, lane, source, destination, createMs: performance.now() - startedAt };
}

/**
 * `count` track events in /v1/batch bodies of BATCH_SIZE. `prefix` makes the messageIds and the
 * people unique: every pass creates as many new profiles as any other, instead of a later pass
 * only updating the profiles an earlier one created (cheaper identity work, a faster pass).
 */
function trackBatches(count, prefix) {
  const now = new Date();
  const track = (index) => {
    const event = browserTrack(index, `${prefix}-${index}`, now);
    return { ...event, anonymousId: `${prefix}-${event.anonymousId}`, ...(event.userId ? { userId: `${prefix}-${event.userId}` } : {}) };
  };
  const batches = [];
  for (let offset = 0; offset < count; offset += BATCH_SIZE) {
    const size = Math.min(BATCH_SIZE, count - offset);
    batches.push({ batch: Array.from({ length: size }, (_, index) => track(offset + index)), sentAt: now.toISOString() });
  }
  return batches;
}

const waitOptions = (spec) => ({ firstTimeoutMs: FIRST_ARRIVAL_TIMEOUT_MS, completeTimeoutMs: COMPLETE_TIMEOUT_MS, what: `actions bench (${spec.key})` });

/**
 * One batch through the pipeline, unmeasured: the path works, and first-use costs (the write-key
 * lookup, the destination's first delivery, compiling its code paths) are not charged to the
 * measured events. Answers the batch's messageIds and how long it took.
 */
async function warmUp(baseUrl, runId, { spec, lane, source }) {
  const [warmup] = trackBatches(BATCH_SIZE, `bench-${runId}-${spec.key}-warmup`);
  const ids = new Set(warmup.batch.map((event) => event.messageId));
  const sentAt = performance.now();
  await send(trackingRequest(baseUrl, "/v1/batch", warmup, source.writeKey));
  await waitForArrivals(lane, ids, sentAt, waitOptions(spec));
  return { ids, seconds: (performance.now() - sentAt) / 1000 };
}

/**
 * Sends `events` tracks to one pipeline and waits for them at the receiver. With the server's
 * process group readable (Linux), each pass starts on a quiet server (the previous pass's
 * backlog, identity above all, done) and is charged the server's CPU from its first batch until
 * the server is quiet again, less the idle rate seen before it: everything Sluice did for these
 * events, this destination's share being what differs between passes.
 */
async function deliverPass(baseUrl, runId, { spec, lane, source }, events, pass, group) {
  const batches = trackBatches(events, `bench-${runId}-${spec.key}-${pass}`);
  const ids = new Set(batches.flatMap((body) => body.batch.map((event) => event.messageId)));
  if (ids.size !== events) throw new Error(`bench bug: ${ids.size} unique messageIds for ${events} events`);
  const requests = batches.map((body) => trackingRequest(baseUrl, "/v1/batch", body, source.writeKey));

  const before = group === null ? null : await waitUntilQuiet(group);
  if (before && !before.quiet) log(`actions: WARNING: the server never went quiet before ${spec.key} (pass ${pass}); its CPU figure includes earlier work`);
  log(`actions: ${spec.key} (pass ${pass}): sending ${events} tracks in ${batches.length} batches, ${SEND_CONCURRENCY} at a time`);
  const firstSendAt = performance.now();
  const cpuAtSend = group === null ? NaN : groupCpuMs(group);
  const load = await runLoad(requests, SEND_CONCURRENCY);
  const failed = Object.values(load.failures).reduce((sum, n) => sum + n, 0);
  if (failed > 0) throw new Error(`actions bench (${spec.key}): ${failed} of ${batches.length} batches were not accepted: ${JSON.stringify(load.failures)}`);
  const complete = await waitForArrivals(lane, ids, firstSendAt, waitOptions(spec));
  const arrivals = [...ids].map((id) => lane.firstArrivals.get(id)).filter((at) => at !== undefined);
  const seconds = arrivals.length > 0 ? (Math.max(...arrivals) - firstSendAt) / 1000 : NaN;

  const after = group === null ? null : await waitUntilQuiet(group);
  if (after && !after.quiet) log(`actions: WARNING: the server never went quiet after ${spec.key} (pass ${pass})`);
  const cpuMs = after ? after.cpuMs - cpuAtSend - before.idleRate * (after.at - firstSendAt) : NaN;
  const settledSeconds = after ? (after.at - firstSendAt) / 1000 : NaN;
  log(
    `actions: ${spec.key} (pass ${pass}): ${arrivals.length} of ${events} delivered in ${round(seconds)} s${complete ? "" : ", some missing"}` +
      (after ? `; server quiet after ${round(settledSeconds)} s, ${round(cpuMs / events, 2)} ms CPU per event` : ""),
  );
  return { ids, seconds, cpuMs, settledSeconds, settled: after ? before.quiet && after.quiet : null };
}

/**
 * One destination's passes together: events/s is every pass's events over the passes' summed
 * delivery time (first batch sent to last event at the receiver); latencies are every event's.
 */
async function summarizeDeliveries(baseUrl, { spec, lane, destination, createMs }, warmup, passes) {
  const ids = new Set(passes.flatMap((pass) => [...pass.ids]));
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  const seconds = sum(passes.map((pass) => pass.seconds));
  const received = [...ids].filter((id) => lane.firstArrivals.has(id)).length;
  const latencies = [...ids].map((id) => lane.latenciesMs.get(id)).filter((ms) => ms !== undefined);
  const duplicates = [...ids].reduce((sum, id) => sum + Math.max(0, (lane.counts.get(id) ?? 0) - 1), 0);
  const unexpected = [...lane.counts.keys()].filter((id) => !ids.has(id) && !warmup.ids.has(id)).length;
  const reported = JSON.parse(await adminGet(baseUrl, `/api/v1/destinations/${destination.id}/delivery`));
  return {
    type: destination.type,
    createMs: round(createMs, 0),
    warmupSeconds: round(warmup.seconds),
    passSeconds: passes.map((pass) => round(pass.seconds)),
    deliveredEventsPerSec: round(received / seconds, 0),
    // The server's CPU (wrangler and workerd) per event, everything Sluice did for it; null off Linux.
    serverCpuMsPerEvent: round(sum(passes.map((pass) => pass.cpuMs)) / ids.size, 2),
    settledSeconds: passes.map((pass) => round(pass.settledSeconds)),
    settled: passes.every((pass) => pass.settled !== false),
    latencyP50Ms: round(quantile(latencies, 0.5), 0),
    latencyP99Ms: round(quantile(latencies, 0.99), 0),
    // The warm-up's included: 1 per event unbatched, fewer when the destination batches.
    requests: lane.requests,
    received,
    missing: ids.size - received,
    duplicates,
    unexpected,
    deliveredExactlyOnce: received === ids.size && duplicates === 0,
    unreadableBodies: lane.unreadable,
    // What the destination's own metrics say, less the warm-up's deliveries.
    sluiceReported: { delivered: reported.delivered - warmup.ids.size, failed: reported.failed, retrying: reported.retrying },
  };
}

/**
 * The first GET of the catalog on this server evaluates every bundled destination's module (they
 * are lazy) and builds its entries; the second is served from what the first built.
 */
async function measureCatalog(baseUrl) {
  const firstAt = performance.now();
  const text = await adminGet(baseUrl, "/api/v1/catalog/destinations");
  const firstMs = performance.now() - firstAt;
  const secondAt = performance.now();
  await adminGet(baseUrl, "/api/v1/catalog/destinations");
  const secondMs = performance.now() - secondAt;
  const catalog = JSON.parse(text);
  return {
    catalog,
    summary: { destinations: catalog.destinations.length, bytes: Buffer.byteLength(text), firstMs: round(firstMs, 0), secondMs: round(secondMs, 0) },
  };
}

/** The bundle and startup figures of bench/lib/worker-bundle.mjs, with the limits they are held against. */
function bundleSummary(bundle) {
  const share = (bytes, limit) => round(bytes / limit, 3);
  const { firstAnswerMs: wall, firstAnswerCpuMs: cpu } = bundle;
  return {
    actionsBundleDestinations: bundle.framework.destinations,
    actionsBundleBytes: bundle.framework.bytes,
    actionsBundleGzipBytes: bundle.framework.gzipBytes,
    workerUploadBytes: bundle.upload.all.bytes,
    workerUploadGzipBytes: bundle.upload.all.gzipBytes,
    workerUploadOneDestinationBytes: bundle.upload.one.bytes,
    workerUploadOneDestinationGzipBytes: bundle.upload.one.gzipBytes,
    workerGzipLimitBytes: WORKER_GZIP_LIMIT_BYTES,
    workerGzipShareOfFreeLimit: share(bundle.upload.all.gzipBytes, WORKER_GZIP_LIMIT_BYTES.free),
    workerGzipShareOfPaidLimit: share(bundle.upload.all.gzipBytes, WORKER_GZIP_LIMIT_BYTES.paid),
    // A fresh workerd's first answer per build (bench/lib/worker-bundle.mjs): wall and CPU time,
    // medians; the empty Worker's figures are what every build pays (Node, Miniflare, workerd).
    startup: {
      emptyWorkerFirstAnswerMs: round(wall.empty, 0),
      oneDestinationFirstAnswerMs: round(wall.one, 0),
      allDestinationsFirstAnswerMs: round(wall.all, 0),
      emptyWorkerFirstAnswerCpuMs: round(cpu.empty, 0),
      oneDestinationFirstAnswerCpuMs: round(cpu.one, 0),
      allDestinationsFirstAnswerCpuMs: round(cpu.all, 0),
      // What the other destinations add to a start, and Sluice's whole start beyond an empty Worker's.
      allDestinationsExtraStartupCpuMs: round(cpu.all - cpu.one, 0),
      workerStartupCpuMs: round(cpu.all - cpu.empty, 0),
      workerStartupLimitMs: WORKER_STARTUP_LIMIT_MS,
      workerStartupShareOfLimit: round((cpu.all - cpu.empty) / WORKER_STARTUP_LIMIT_MS, 2),
      // The generated Actions bundle alone in Node: its top level, then every destination's definition.
      nodeBundleTopLevelMs: round(bundle.evaluation.topLevelMs, 0),
      nodeAllDefinitionsMs: round(bundle.evaluation.allDefinitionsMs, 0),
    },
  };
}

/**
 * Runs the section. `onServer(vars, work)` runs `work(baseUrl, server)` on a fresh dev server with
 * `vars` added (bench/run.mjs); the bundle is measured before it starts, since the one-destination
 * build rewrites the generated module a running server would reload on.
 */
export async function benchActions(runId, onServer) {
  const events = eventCount();
  log("actions: the Worker's upload size and startup, with every Actions destination and with one (wrangler deploy --dry-run, Miniflare)");
  const bundle = bundleSummary(await measureWorkerBundle());
  const receiver = await startCountingReceiver();
  try {
    const vars = { SLUICE_TEST_HOOKS: "1", OUTBOUND_ORIGIN: receiver.origin };
    return await onServer(vars, async (baseUrl, server) => {
      // The first admin request's own costs (routing, the D1 connection) are not the catalog's or a destination's.
      await adminGet(baseUrl, "/api/v1/sources");
      // The webhook's, then the first Actions destination's creation, before the catalog evaluates every module.
      const pipelines = [];
      for (const spec of DESTINATIONS.slice(0, 2)) pipelines.push(await createPipeline(baseUrl, runId, receiver, spec, null));
      const { catalog, summary: catalogSummary } = await measureCatalog(baseUrl);
      for (const spec of DESTINATIONS.slice(2)) pipelines.push(await createPipeline(baseUrl, runId, receiver, spec, catalog));

      const warmups = [];
      for (const pipeline of pipelines) warmups.push(await warmUp(baseUrl, runId, pipeline));
      // Two passes, the second in reverse order, so drift over the run (a backlog, a warming JIT)
      // favours no destination: each one's passes sit as far from the start and end as any other's.
      const group = canReadProcessCpu() ? server.processGroup : null;
      const passes = pipelines.map(() => []);
      const order = [...pipelines.keys()];
      for (const [pass, indexes] of [order, order.toReversed()].entries()) {
        for (const index of indexes) passes[index].push(await deliverPass(baseUrl, runId, pipelines[index], events, pass + 1, group));
      }
      // Duplicates come late (a redelivered message); wait past the next consumer batch before counting.
      await sleep(SETTLE_MS);
      const destinations = {};
      for (const [index, pipeline] of pipelines.entries())
        destinations[pipeline.spec.key] = await summarizeDeliveries(baseUrl, pipeline, warmups[index], passes[index]);
      const perSecond = (key) => destinations[key].deliveredEventsPerSec;
      const cpuPerEvent = (key) => destinations[key].serverCpuMsPerEvent;
      const extraCpu = (key, baseline) =>
        cpuPerEvent(key) === null || cpuPerEvent(baseline) === null ? null : round(cpuPerEvent(key) - cpuPerEvent(baseline), 2);
      return {
        eventsPerPass: events,
        passes: 2,
        batchSize: BATCH_SIZE,
        sendConcurrency: SEND_CONCURRENCY,
        destinationBatchSize: DESTINATION_BATCH_SIZE,
        serverStartupSeconds: round(server.startupSeconds),
        // Above 1 the Actions destination is faster; one request per event on both sides.
        actionsVsWebhookEventsPerSecondRatio: ratio(perSecond("actionsWebhook"), perSecond("webhook")),
        actionsVsWebhookBatchedEventsPerSecondRatio: ratio(perSecond("actionsWebhookBatched"), perSecond("webhookBatched")),
        amplitudeVsWebhookEventsPerSecondRatio: ratio(perSecond("actionsAmplitude"), perSecond("webhook")),
        // Above 1 the Actions destination costs more; the extra is its delivery's CPU per event beyond the webhook's.
        actionsVsWebhookCpuPerEventRatio: ratio(cpuPerEvent("actionsWebhook"), cpuPerEvent("webhook")),
        actionsExtraCpuMsPerEvent: extraCpu("actionsWebhook", "webhook"),
        actionsVsWebhookBatchedCpuPerEventRatio: ratio(cpuPerEvent("actionsWebhookBatched"), cpuPerEvent("webhookBatched")),
        actionsBatchedExtraCpuMsPerEvent: extraCpu("actionsWebhookBatched", "webhookBatched"),
        amplitudeVsWebhookCpuPerEventRatio: ratio(cpuPerEvent("actionsAmplitude"), cpuPerEvent("webhook")),
        amplitudeExtraCpuMsPerEvent: extraCpu("actionsAmplitude", "webhook"),
        allDeliveredExactlyOnce: Object.values(destinations).every((result) => result.deliveredExactlyOnce),
        strayRequests: receiver.stray(),
        destinations,
        catalog: catalogSummary,
        ...bundle,
      };
    });
  } finally {
    await receiver.close();
  }
}
