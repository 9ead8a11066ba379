// Section `ingestDomain`: the edge's pure validation + enrichment (`acceptBatch`) in-process in
// Node, against the cheapest thing any ingest must do to the same data: a JSON round trip.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { browserBatch } from "../lib/events.mjs";
import { eventsPerSecond, log, median, ratio, round } from "../lib/stats.mjs";

const ACCEPT_PAYLOAD_TS = fileURLToPath(new URL("../../src/ingest/accept-payload.ts", import.meta.url));
const BATCH_SIZE = 100;
const WARMUP_MS = 1_000;
const ROUNDS = 7;
const ROUND_MS = 300;

/** Bundles accept-payload.ts (with zod) into a temp ESM file and imports it. */
async function importAcceptPayload(outDir) {
  const outfile = join(outDir, "accept-payload.mjs");
  await build({
    entryPoints: [ACCEPT_PAYLOAD_TS],
    bundle: true,
    format: "esm",
    platform: "neutral", // the Worker's code must not lean on Node built-ins, so neither does the bundle
    target: "es2022",
    outfile,
    logLevel: "error",
  });
  return import(pathToFileURL(outfile).href);
}

/**
 * Alternates the two workloads round by round so drift (thermal, a neighbour process, GC) hits
 * both alike, and keeps each one's median round.
 */
function measureAlternating(workloads) {
  const rates = Object.fromEntries(Object.keys(workloads).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, work] of Object.entries(workloads)) rates[name].push(eventsPerSecond(work, ROUND_MS, BATCH_SIZE));
  }
  return Object.fromEntries(Object.entries(rates).map(([name, values]) => [name, median(values)]));
}

export async function benchIngestDomain() {
  const outDir = await mkdtemp(join(tmpdir(), "sluice-bench-esbuild-"));
  try {
    const { acceptBatch } = await importAcceptPayload(outDir);
    const batch = browserBatch(BATCH_SIZE, "bench-domain");
    const facts = () => ({
      receivedAt: new Date(),
      sourceId: "dev_website",
      ip: "203.0.113.7",
      location: { city: "Berlin", country: "DE", latitude: 52.52, longitude: 13.405 },
    });
    let generated = 0;
    const newMessageId = () => `bench-${generated++}`;

    // A benchmark of a function that rejects its input would measure the error path.
    const probe = acceptBatch(batch, facts(), newMessageId);
    if (probe.events.length !== BATCH_SIZE) {
      throw new Error(`acceptBatch rejected the benchmark batch: ${JSON.stringify(probe.rejected.slice(0, 3))}`);
    }

    const workloads = {
      accept: () => acceptBatch(batch, facts(), newMessageId),
      json: () => JSON.parse(JSON.stringify(batch)),
    };
    log(`ingestDomain: warming up ${WARMUP_MS} ms per workload`);
    for (const work of Object.values(workloads)) eventsPerSecond(work, WARMUP_MS, BATCH_SIZE);
    log(`ingestDomain: ${ROUNDS} alternating rounds of ${ROUND_MS} ms`);
    const rates = measureAlternating(workloads);

    return {
      batchSize: BATCH_SIZE,
      batchBytes: JSON.stringify(batch).length,
      rounds: ROUNDS,
      acceptBatchEventsPerSec: round(rates.accept, 0),
      jsonRoundTripEventsPerSec: round(rates.json, 0),
      validationOverheadRatio: ratio(rates.json, rates.accept),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
