// Section `plan`: the EVENTS consumer's own work per event (decode, Protocols, schema tally, the
// outbox and hand-off serializations; not its I/O) with a tracking plan that plans every event
// and property of the data, against the same work with no plan. Target: planOverheadRatio ≤ 1.3.
// Then what one pattern can cost on a 32 KB value (plan-patterns.mjs).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { browserBatch } from "../lib/events.mjs";
import { eventsPerSecond, log, median, ratio, round } from "../lib/stats.mjs";
import { benchPlanPatterns } from "./plan-patterns.mjs";

const ENTRY = fileURLToPath(new URL("../lib/consumer-work.ts", import.meta.url));
const BATCH_SIZE = 100;
const WARMUP_MS = 1_000;
const ROUNDS = 11;
const ROUND_MS = 300;

export async function benchPlan() {
  const outDir = await mkdtemp(join(tmpdir(), "sluice-bench-plan-"));
  try {
    const outfile = join(outDir, "consumer-work.mjs");
    await build({ entryPoints: [ENTRY], bundle: true, format: "esm", platform: "neutral", target: "es2022", outfile, logLevel: "error" });
    const { consumerWork, planFromSamples } = await import(pathToFileURL(outfile).href);

    const now = new Date().toISOString();
    const events = browserBatch(BATCH_SIZE, "bench-plan").batch.map((event) => ({
      ...event,
      projectId: "dev_website",
      receivedAt: now,
      timestamp: now,
      context: event.context ?? {},
    }));
    const message = { v: 1, events };
    const rules = planFromSamples(events);
    const withPlan = consumerWork(true, rules);
    const without = consumerWork(false, rules);
    // The plan must accept the data it was written from, or the bench measures the error path.
    const { violations } = withPlan(message);
    if (violations.length > 0) throw new Error(`bench plan: the plan found violations in its own samples: ${violations.slice(0, 5).join("; ")}`);

    const workloads = { plan: () => withPlan(message), none: () => without(message) };
    log(`plan: ${rules.length} rules; warming up ${WARMUP_MS} ms per workload`);
    for (const work of Object.values(workloads)) eventsPerSecond(work, WARMUP_MS, BATCH_SIZE);
    const rates = { plan: [], none: [] };
    for (let i = 0; i < ROUNDS; i++) for (const [name, work] of Object.entries(workloads)) rates[name].push(eventsPerSecond(work, ROUND_MS, BATCH_SIZE));
    const planRate = median(rates.plan);
    const noneRate = median(rates.none);
    return {
      rules: rules.length,
      batchSize: BATCH_SIZE,
      withPlanEventsPerSec: round(planRate, 0),
      withoutPlanEventsPerSec: round(noneRate, 0),
      planOverheadRatio: ratio(noneRate, planRate),
      planOverheadTarget: 1.3,
      ...(await benchPlanPatterns()),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
