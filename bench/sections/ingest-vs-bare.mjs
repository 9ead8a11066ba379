// Section `ingestVsBare`: Sluice's POST /v1/track against bare Workers outside Sluice, all through
// `wrangler dev` on this machine in the same run, at the same concurrency with the same bodies:
// - parseOnly: reads the JSON and answers 200 (bench/bare/parse-only), the floor of any ingest;
// - queueSend: also sends it to a queue before answering (bench/bare/queue-send), the least a
//   durable ingest does, and so the baseline of `ingestVsBareRpsRatio`;
// - sluice: Sluice with its queue consumers removed (a copy of wrangler.toml), the edge alone;
// - sluiceWithPipeline: the normal Sluice, whose consumers share the cores with the edge.
// On a shared 2-core machine the load of other processes moves every rate by more than the
// differences measured, within seconds. So the edge targets run in many short rounds, each in a
// rotated order, and each ratio is the median of ratios taken within a round. The pipeline needs
// longer runs (its consumers start after the queue's 1 s batch window) and its backlog left to
// drain (its CPU goes quiet) before anything else runs, so it gets rounds of its own, each paired
// with a queueSend run just before it. Server CPU per request (Linux) is reported too: it moves
// less with the machine's load than rates do.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBareWorker } from "../lib/bare-worker.mjs";
import { DEV } from "../lib/client.mjs";
import { browserTrack } from "../lib/events.mjs";
import { postForDuration } from "../lib/http-load.mjs";
import { canReadProcessCpu, groupCpuMs, waitUntilQuiet } from "../lib/process-cpu.mjs";
import { log, median, quantile, round } from "../lib/stats.mjs";
import { writeConfigWithoutConsumers } from "../lib/wrangler-config.mjs";

const CONCURRENCY = 20;
const WARMUP_MS = 2_000;
const EDGE_TARGETS = ["parseOnly", "queueSend", "sluice"];
const EDGE_RUN_MS = 1_500;
/** `SLUICE_BENCH_INGEST_ROUNDS` overrides it; the pipeline gets a third as many. */
const DEFAULT_EDGE_ROUNDS = 12;
const PIPELINE_RUN_MS = 4_000;
const PLACEHOLDER = "__bench_message_id__";
const HEADERS = { Authorization: `Basic ${Buffer.from(`${DEV.writeKey}:`).toString("base64")}`, "Content-Type": "application/json" };

function edgeRounds() {
  const configured = process.env.SLUICE_BENCH_INGEST_ROUNDS;
  if (configured === undefined || configured === "") return DEFAULT_EDGE_ROUNDS;
  const rounds = Number(configured);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`SLUICE_BENCH_INGEST_ROUNDS must be a positive integer, not ${configured}`);
  return rounds;
}

/**
 * Bodies as analytics-next sends them, each with a messageId of its own (Sluice's consumer would
 * drop a repeated one early, which is cheaper): a few serialized templates, the id spliced in, so
 * the sender spends next to nothing per request.
 */
function bodyMaker(prefix) {
  const templates = Array.from({ length: 16 }, (_, i) => JSON.stringify(browserTrack(i, PLACEHOLDER)).split(PLACEHOLDER));
  let next = 0;
  return () => {
    const [head, tail] = templates[next % templates.length];
    return `${head}${prefix}-${next++}${tail}`;
  };
}

/** One measured run against `target`; its server's CPU (wrangler and workerd) per 200 (Linux). */
async function measureRun(target, durationMs) {
  const cpuBefore = groupCpuMs(target.processGroup);
  const { latencies, failures, wallMs } = await postForDuration(target.url, {
    headers: HEADERS,
    nextBody: target.nextBody,
    concurrency: CONCURRENCY,
    durationMs,
  });
  const cpuMs = groupCpuMs(target.processGroup) - cpuBefore;
  for (const [status, n] of Object.entries(failures)) target.failures[status] = (target.failures[status] ?? 0) + n;
  return {
    rps: latencies.length / (wallMs / 1000),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    cpuMsPerRequest: latencies.length > 0 ? cpuMs / latencies.length : NaN,
  };
}

const describeRun = (name, run) => `${name} ${run.rps.toFixed(0)} req/s, p99 ${run.p99Ms.toFixed(0)} ms, ${run.cpuMsPerRequest.toFixed(2)} ms CPU/request`;

/** Medians over rounds of one target's runs. */
function summarize(runs, failures) {
  return {
    rps: round(median(runs.map((run) => run.rps)), 0),
    p50Ms: round(median(runs.map((run) => run.p50Ms))),
    p99Ms: round(median(runs.map((run) => run.p99Ms))),
    cpuMsPerRequest: round(median(runs.map((run) => run.cpuMsPerRequest)), 3),
    // Non-200 answers by status; the figures above count only the 200s.
    failures,
  };
}

/** Median over rounds of `a[field] / b[field]`, each pair measured in the same round. */
const pairedRatio = (a, b, field) => round(median(a.map((run, i) => run[field] / b[i][field])), 2);

/** `onServer(label, work, options)` runs `work(baseUrl, server)` on a fresh Sluice (run.mjs). */
export async function benchIngestVsBare(runId, { onServer, stateRoot = tmpdir() }) {
  const configDir = await mkdtemp(join(stateRoot, "sluice-bench-config-"));
  const bare = [];
  try {
    const wranglerConfig = await writeConfigWithoutConsumers(configDir);
    for (const name of ["parse-only", "queue-send"]) bare.push(await startBareWorker(name, { log, stateRoot }));
    return await onServer(
      "sluice-bench-edge-only",
      (edgeOnlyUrl, edgeOnly) =>
        onServer("sluice-bench-pipeline", (pipelineUrl, pipeline) => {
          const target = (name, url, processGroup) => ({ url: `${url}/v1/track`, processGroup, nextBody: bodyMaker(`${name}-${runId}`), failures: {} });
          return measureAll({
            parseOnly: target("parseOnly", bare[0].baseUrl, bare[0].processGroup),
            queueSend: target("queueSend", bare[1].baseUrl, bare[1].processGroup),
            sluice: target("sluice", edgeOnlyUrl, edgeOnly.processGroup),
            sluiceWithPipeline: target("sluiceWithPipeline", pipelineUrl, pipeline.processGroup),
          });
        }),
      { wranglerConfig },
    );
  } finally {
    for (const worker of bare) await worker.stop();
    await rm(configDir, { recursive: true, force: true });
  }
}

/** Waits until the pipeline server's backlog is done, so it does not run beside the next measurement. */
async function drainPipeline(target) {
  if (!canReadProcessCpu()) return;
  const { quiet } = await waitUntilQuiet(target.processGroup, { quietCores: 0.1, timeoutMs: 120_000 });
  if (!quiet) log("ingestVsBare: the pipeline server did not go quiet within 120 s; continuing");
}

async function measureAll(targets) {
  if (!canReadProcessCpu()) log("ingestVsBare: no /proc here: server CPU is not measured, and the pipeline's backlog is not waited for");
  for (const [name, target] of Object.entries(targets)) {
    log(`ingestVsBare: warming up ${name}`);
    await postForDuration(target.url, { headers: HEADERS, nextBody: target.nextBody, concurrency: CONCURRENCY, durationMs: WARMUP_MS });
  }
  await drainPipeline(targets.sluiceWithPipeline);

  const rounds = edgeRounds();
  const edge = Object.fromEntries(EDGE_TARGETS.map((name) => [name, []]));
  log(`ingestVsBare: ${rounds} rounds of ${EDGE_TARGETS.join(", ")}, ${EDGE_RUN_MS / 1000} s each at concurrency ${CONCURRENCY}`);
  for (let r = 0; r < rounds; r++) {
    const order = EDGE_TARGETS.map((_, i) => EDGE_TARGETS[(i + r) % EDGE_TARGETS.length]);
    for (const name of order) edge[name].push(await measureRun(targets[name], EDGE_RUN_MS));
    log(`ingestVsBare: round ${r + 1}: ${EDGE_TARGETS.map((name) => describeRun(name, edge[name][r])).join("; ")}`);
  }

  const pipelineRounds = Math.max(1, Math.round(rounds / 3));
  const paired = { queueSend: [], sluiceWithPipeline: [] };
  log(`ingestVsBare: ${pipelineRounds} rounds of queueSend then sluiceWithPipeline, ${PIPELINE_RUN_MS / 1000} s each`);
  for (let r = 0; r < pipelineRounds; r++) {
    paired.queueSend.push(await measureRun(targets.queueSend, PIPELINE_RUN_MS));
    paired.sluiceWithPipeline.push(await measureRun(targets.sluiceWithPipeline, PIPELINE_RUN_MS));
    log(
      `ingestVsBare: pipeline round ${r + 1}: ${describeRun("queueSend", paired.queueSend[r])}; ${describeRun("sluiceWithPipeline", paired.sluiceWithPipeline[r])}`,
    );
    await drainPipeline(targets.sluiceWithPipeline);
  }

  return {
    concurrency: CONCURRENCY,
    edgeRounds: rounds,
    edgeSecondsPerRun: EDGE_RUN_MS / 1000,
    pipelineRounds,
    pipelineSecondsPerRun: PIPELINE_RUN_MS / 1000,
    parseOnly: summarize(edge.parseOnly, targets.parseOnly.failures),
    queueSend: summarize(edge.queueSend, targets.queueSend.failures),
    sluice: summarize(edge.sluice, targets.sluice.failures),
    sluiceWithPipeline: summarize(paired.sluiceWithPipeline, targets.sluiceWithPipeline.failures),
    // Sluice's edge (consumers off) against the bare queue-sending Worker: the contract key.
    ingestVsBareRpsRatio: pairedRatio(edge.sluice, edge.queueSend, "rps"),
    ingestVsParseOnlyRpsRatio: pairedRatio(edge.sluice, edge.parseOnly, "rps"),
    queueSendVsParseOnlyRpsRatio: pairedRatio(edge.queueSend, edge.parseOnly, "rps"),
    ingestWithPipelineVsBareRpsRatio: pairedRatio(paired.sluiceWithPipeline, paired.queueSend, "rps"),
    ingestVsBareP99Ratio: pairedRatio(edge.sluice, edge.queueSend, "p99Ms"),
    ingestVsParseOnlyP99Ratio: pairedRatio(edge.sluice, edge.parseOnly, "p99Ms"),
    ingestWithPipelineVsBareP99Ratio: pairedRatio(paired.sluiceWithPipeline, paired.queueSend, "p99Ms"),
    // Server CPU (wrangler and workerd) per accepted request, Sluice's edge over the bare Worker's.
    ingestVsBareCpuPerRequestRatio: pairedRatio(edge.sluice, edge.queueSend, "cpuMsPerRequest"),
  };
}
