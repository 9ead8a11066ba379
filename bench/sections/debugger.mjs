// Section `debugger`: what the live debugger costs the hot path, and how soon an event reaches an
// open one. The edge never calls the debugger for a valid event (the EVENTS consumer records it),
// so the Tracking API should answer as fast with a watcher open as without: both are measured
// against GET /health on the same server, no watcher / one watcher / no watcher again, so drift
// over the run shows instead of passing for a cost.
import { adminPost, trackingRequest } from "../lib/client.mjs";
import { browserTrack } from "../lib/events.mjs";
import { runLoad, summarizeLoad } from "../lib/load.mjs";
import { log, quantile, ratio, round } from "../lib/stats.mjs";

const CONCURRENCY = 8;
const WARMUP_REQUESTS = 40;
const MEASURED_REQUESTS = 400;
/** Sent one after another, each once the previous one arrived: enough for a p99 that is not just the maximum of a handful. */
const LIVE_PROBES = 40;
const LIVE_TIMEOUT_MS = 10_000;

async function measure(name, makeRequest) {
  const build = (count, offset) => Array.from({ length: count }, (_, i) => makeRequest(offset + i));
  await runLoad(build(WARMUP_REQUESTS, 0), CONCURRENCY);
  const measured = summarizeLoad(await runLoad(build(MEASURED_REQUESTS, WARMUP_REQUESTS), CONCURRENCY));
  const failed = Object.values(measured.failures).reduce((sum, n) => sum + n, 0);
  log(`debugger: ${name}: p50 ${measured.p50Ms.toFixed(2)} ms, ${measured.okPerSec.toFixed(0)} req/s${failed ? `, ${failed} failed` : ""}`);
  return measured;
}

/** A watcher on the admin API's stream: resolves once open; `seen(messageId)` resolves when that event arrives. */
async function openWatcher(baseUrl, sourceId) {
  const url = `${baseUrl.replace(/^http/, "ws")}/api/v1/sources/${encodeURIComponent(sourceId)}/debugger`;
  // Node's WebSocket (undici) takes headers in its second argument; the browser's does not.
  const socket = new WebSocket(url, { headers: { Authorization: "Bearer dev_admin_token" } });
  const waiting = new Map();
  // An entry comes again as its journey fills in (archived, delivered): count events once.
  const received = new Set();
  socket.addEventListener("message", (message) => {
    const { entries = [] } = JSON.parse(String(message.data));
    for (const { messageId } of entries) {
      received.add(messageId);
      waiting.get(messageId)?.();
    }
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`could not open the debugger stream ${url}`)), { once: true });
  });
  return {
    /** Distinct events streamed whose messageId starts with `prefix`. */
    received: (prefix) => [...received].filter((id) => typeof id === "string" && id.startsWith(prefix)).length,
    seen: (messageId) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`event ${messageId} did not reach the debugger within ${LIVE_TIMEOUT_MS} ms`)), LIVE_TIMEOUT_MS);
        waiting.set(messageId, () => (clearTimeout(timer), waiting.delete(messageId), resolve()));
      }),
    close: () => socket.close(),
  };
}

export async function benchDebugger(baseUrl, runId) {
  // A source of its own, so the edge section's backlog on the dev source plays no part.
  const { source } = await adminPost(baseUrl, "/api/v1/sources", { name: `Bench debugger ${runId}` });
  const track = (label) => (i) => trackingRequest(baseUrl, "/v1/track", browserTrack(i, `bench-${runId}-dbg-${label}-${i}`), source.writeKey);

  const health = await measure("GET /health", () => ({ url: `${baseUrl}/health`, init: {} }));
  const before = await measure("POST /v1/track, nobody watching", track("before"));
  const watcher = await openWatcher(baseUrl, source.id);
  let watched;
  const live = [];
  try {
    watched = await measure("POST /v1/track, one watcher open", track("watched"));
    // How soon an event reaches an open debugger: from sending the call to the stream's message.
    for (let i = 0; i < LIVE_PROBES; i++) {
      const messageId = `bench-${runId}-dbg-live-${i}`;
      const arrived = watcher.seen(messageId);
      const start = performance.now();
      const { url, init } = trackingRequest(baseUrl, "/v1/track", browserTrack(i, messageId), source.writeKey);
      await (await fetch(url, init)).arrayBuffer();
      await arrived;
      live.push(performance.now() - start);
    }
  } finally {
    watcher.close();
  }
  const after = await measure("POST /v1/track, nobody watching again", track("after"));
  const unwatchedP50 = (before.p50Ms + after.p50Ms) / 2;
  log(
    `debugger: events reach an open debugger in p50 ${quantile(live, 0.5).toFixed(0)} ms, p95 ${quantile(live, 0.95).toFixed(0)} ms, p99 ${quantile(live, 0.99).toFixed(0)} ms`,
  );
  return {
    sourceId: source.id,
    concurrency: CONCURRENCY,
    requestsPerScenario: MEASURED_REQUESTS,
    healthP50Ms: round(health.p50Ms),
    trackNoWatcherP50Ms: round(unwatchedP50),
    trackOneWatcherP50Ms: round(watched.p50Ms),
    noWatcherVsHealthP50Ratio: ratio(unwatchedP50, health.p50Ms),
    oneWatcherVsHealthP50Ratio: ratio(watched.p50Ms, health.p50Ms),
    oneWatcherVsNoWatcherP50Ratio: ratio(watched.p50Ms, unwatchedP50),
    // Every event sent while the watcher was open (warm-up, measured, live probes) should reach it.
    eventsSentWhileWatching: WARMUP_REQUESTS + MEASURED_REQUESTS + LIVE_PROBES,
    eventsStreamedToWatcher: watcher.received(`bench-${runId}-dbg-watched-`) + watcher.received(`bench-${runId}-dbg-live-`),
    liveP50Ms: round(quantile(live, 0.5)),
    liveP95Ms: round(quantile(live, 0.95)),
    liveP99Ms: round(quantile(live, 0.99)),
  };
}
