// Section `consumer`: what the EVENTS queue consumer costs per event when one invocation of it gets
// 10, 100 or 1,000 events.
//
// Batch size is events per consumer invocation, the unit its fixed costs (a D1 read of the plans
// and destinations, the suppression check, one call per dedupe shard touched, one debugger call,
// the schema tallies' writes, one IDENTITY send) are spread over. Ingest packs each `/v1/batch`
// request into as few messages as fit 120 KB (100 analytics.js events take two) and the queue
// hands the consumer up to 100 messages at once (wrangler.toml), within a 1 s window; so 10 is a
// 10-event request alone in its window (a quiet source), 100 one 100-event request, and 1,000 ten
// 100-event requests in one window (a busy one: 20 messages).
//
// How: the real Worker (wrangler's own bundle, `wrangler deploy --dry-run`) in workerd through
// Miniflare, with wrangler.toml's bindings but no queue consumers (bench/lib/miniflare-sluice.mjs);
// the bench hands each batch to the Worker's queue handler itself (Miniflare's `queue()`), its
// messages built by the edge's own accept-and-pack code (bench/lib/events-messages.ts). So what is
// measured is the consumer alone: no ingest, and the IDENTITY messages it hands off stay queued
// (identity resolution is the identity section's). CPU is the workerd process's from a round's
// first invocation until it is quiet again, less its idle rate: the consumer, the Durable Objects
// and D1 it calls, and the dedupe outbox's flush to R2 a second after each commit. Events/s runs
// one invocation at a time (the platform runs several at once), so it is a per-consumer figure.
// The sizes take turns within each round, so a busy moment on the machine hits each alike; medians.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { archivedCount, DEV, readArchive } from "../lib/client.mjs";
import { browserBatch } from "../lib/events.mjs";
import { startSluiceWithoutConsumers } from "../lib/miniflare-sluice.mjs";
import { processesCpuMs, waitUntilQuiet } from "../lib/process-cpu.mjs";
import { log, median, ratio, round, sleep } from "../lib/stats.mjs";

const MESSAGES_ENTRY = fileURLToPath(new URL("../lib/events-messages.ts", import.meta.url));
const BATCH_SIZES = [10, 100, 1_000];
/** Events in one `/v1/batch` request: a larger consumer batch is several requests. */
const REQUEST_EVENTS = 100;
const EVENTS_PER_ROUND = 2_000;
const ROUNDS = 5;
/** Past the dedupe outbox's 1 s flush delay, so a round's last flush is in its CPU figure. */
const FLUSH_WAIT_MS = 1_500;

/** The edge's accept-and-pack code, bundled for Node. */
async function loadEventsMessages() {
  const outDir = await mkdtemp(join(tmpdir(), "sluice-bench-consumer-"));
  try {
    const outfile = join(outDir, "events-messages.mjs");
    await build({ entryPoints: [MESSAGES_ENTRY], bundle: true, format: "esm", platform: "neutral", target: "es2022", outfile, logLevel: "error" });
    return (await import(pathToFileURL(outfile).href)).eventsMessages;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The queue messages of one consumer batch of `size` events: requests of up to REQUEST_EVENTS, each packed as ingest packs it. */
function consumerBatch(eventsMessages, size, prefix) {
  const receivedAt = new Date();
  const messages = [];
  for (let offset = 0; offset < size; offset += REQUEST_EVENTS) {
    const body = browserBatch(Math.min(REQUEST_EVENTS, size - offset), `${prefix}-${offset}`, receivedAt);
    messages.push(...eventsMessages(body, DEV.sourceId, receivedAt));
  }
  return messages;
}

/** Runs the EVENTS handler once on `bodies`; throws unless it acknowledged every message. */
async function invoke(sluice, bodies, prefix) {
  const messages = bodies.map((body, index) => ({ id: `${prefix}-m${index}`, timestamp: new Date(), body, attempts: 1 }));
  const result = await sluice.worker.queue("sluice-events", messages);
  const acked = result.ackAll ? messages.length : result.explicitAcks.length;
  if (result.outcome !== "ok" || acked !== messages.length) {
    throw new Error(`consumer bench: the EVENTS handler acknowledged ${acked} of ${messages.length} messages (${result.outcome})\n${sluice.output()}`);
  }
}

/** One round of one size: EVENTS_PER_ROUND events in batches of `size`, one invocation at a time, then until quiet. */
async function measureRound(sluice, eventsMessages, size, prefix) {
  const cpuMs = () => processesCpuMs(sluice.workerdPids);
  const batches = Array.from({ length: EVENTS_PER_ROUND / size }, (_, index) => consumerBatch(eventsMessages, size, `${prefix}-b${index}`));
  const before = await waitUntilQuiet(null, { cpuMs });
  const startedAt = performance.now();
  const cpuAtStart = cpuMs();
  let wallMs = 0;
  for (const [index, bodies] of batches.entries()) {
    const at = performance.now();
    await invoke(sluice, bodies, `${prefix}-b${index}`);
    wallMs += performance.now() - at;
  }
  await sleep(FLUSH_WAIT_MS);
  const after = await waitUntilQuiet(null, { cpuMs });
  if (!before.quiet || !after.quiet) log(`consumer: WARNING: workerd was not quiet around batch size ${size}; its CPU figure includes other work`);
  const cpu = after.cpuMs - cpuAtStart - before.idleRate * (after.at - startedAt);
  return { cpuMsPerEvent: cpu / EVENTS_PER_ROUND, eventsPerSec: EVENTS_PER_ROUND / (wallMs / 1000), messagesPerInvocation: batches[0].length };
}

/** Least squares of CPU per invocation against events per invocation: what a batch costs before its first event, and each event after. */
function fitPerInvocation(points) {
  const n = points.length;
  const meanX = points.reduce((sum, { x }) => sum + x, 0) / n;
  const meanY = points.reduce((sum, { y }) => sum + y, 0) / n;
  const slope = points.reduce((sum, { x, y }) => sum + (x - meanX) * (y - meanY), 0) / points.reduce((sum, { x }) => sum + (x - meanX) ** 2, 0);
  return { fixedMs: meanY - slope * meanX, perEventMs: slope };
}

export async function benchConsumer(runId, { stateRoot } = {}) {
  const eventsMessages = await loadEventsMessages();
  const sluice = await startSluiceWithoutConsumers({ log, stateRoot });
  try {
    // One batch of each size first, unmeasured: compiling, opening the shards, the D1 connection.
    for (const size of BATCH_SIZES) await invoke(sluice, consumerBatch(eventsMessages, size, `bench-${runId}-consumer-warmup-${size}`), `warmup-${size}`);
    const rounds = Object.fromEntries(BATCH_SIZES.map((size) => [size, []]));
    for (let pass = 0; pass < ROUNDS; pass += 1) {
      // Each round starts with the next size, so none is always first or last.
      const order = BATCH_SIZES.map((_, index) => BATCH_SIZES[(index + pass) % BATCH_SIZES.length]);
      for (const size of order) {
        const result = await measureRound(sluice, eventsMessages, size, `bench-${runId}-consumer-r${pass}-${size}`);
        rounds[size].push(result);
        log(`consumer: batch ${size} (round ${pass + 1}): ${round(result.cpuMsPerEvent, 3)} ms CPU per event, ${Math.round(result.eventsPerSec)} events/s`);
      }
    }

    // Every event went through: committed by the dedupe shards and flushed to the R2 archive.
    const sent = BATCH_SIZES.reduce((sum, size) => sum + size, 0) + BATCH_SIZES.length * ROUNDS * EVENTS_PER_ROUND;
    const archived = await archivedCount(sluice.baseUrl, DEV.sourceId);
    const inArchive = (await readArchive(sluice.baseUrl, DEV.sourceId)).length;
    if (archived !== sent || inArchive !== sent)
      throw new Error(`consumer bench: ${sent} events consumed, ${archived} archived, ${inArchive} in the R2 archive`);

    const cpu = (size) => median(rounds[size].map((result) => result.cpuMsPerEvent));
    const rate = (size) => median(rounds[size].map((result) => result.eventsPerSec));
    const fit = fitPerInvocation(BATCH_SIZES.map((size) => ({ x: size, y: cpu(size) * size })));
    return {
      eventsPerRound: EVENTS_PER_ROUND,
      rounds: ROUNDS,
      messagesPerInvocation: Object.fromEntries(BATCH_SIZES.map((size) => [`batch${size}`, rounds[size][0].messagesPerInvocation])),
      consumerCpuMsPerEvent: Object.fromEntries(BATCH_SIZES.map((size) => [`batch${size}`, round(cpu(size), 3)])),
      consumerEventsPerSec: Object.fromEntries(BATCH_SIZES.map((size) => [`batch${size}`, round(rate(size), 0)])),
      // Above 1: a small batch costs more per event than a full one.
      batch10VsBatch100CpuRatio: ratio(cpu(10), cpu(100)),
      batch1000VsBatch100CpuRatio: ratio(cpu(1_000), cpu(100)),
      batch100VsBatch10EventsPerSecRatio: ratio(rate(100), rate(10)),
      // CPU per invocation ≈ fixed + perEvent × events (least squares over the three medians).
      fixedCpuMsPerInvocation: round(fit.fixedMs, 2),
      marginalCpuMsPerEvent: round(fit.perEventMs, 3),
      archived,
    };
  } finally {
    await sluice.dispose();
  }
}
