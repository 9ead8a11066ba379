// Section `cost`: what a million events cost on Cloudflare, counted, not guessed. A storefront's
// browser traffic (50 % page, 35 % track, 15 % identify, from visitors of ten calls each who
// identify partway) is sent one call per request, as analytics-next sends by default, to a fresh
// server with the metering test hook on (src/metering), identity on (the default) and one webhook
// destination. Every billable operation each stage performs is printed as a `sluice-meter` line;
// once every queue has drained and the archive holds every event, the lines are summed per stage
// (bench/lib/cost-model.mjs) and priced (bench/lib/cloudflare-prices.mjs).
//
// Worker CPU cannot be metered inside workerd, and printing meter lines costs CPU of its own, so
// the same workload runs again on a second fresh server without the hook: the CPU of its workerd
// process (Worker, Durable Objects and the local storage they use; wrangler's proxy left out)
// minus its idle rate is charged per event, all of it as Worker CPU: an upper bound, since Durable
// Objects are billed by duration, not CPU.
//
// Stored bytes (R2 archive, Durable Object SQLite, D1) are priced as kept for RETENTION_MONTHS;
// dedupe shards keep ids only 24 hours and profiles events only 14 days, so for them it is an
// upper bound.
import { readFileSync, statSync } from "node:fs";
import { countArchived } from "../lib/archive-visibility.mjs";
import { adminPost, trackingRequest } from "../lib/client.mjs";
import { PRICE_SOURCES, PRICES, PRICES_READ_ON, SECONDS_PER_MONTH } from "../lib/cloudflare-prices.mjs";
import { parseMeterLines, priceUnits, queuesDrained, STAGES, summarizeMeterLines, unitsPerEvent } from "../lib/cost-model.mjs";
import { startCountingReceiver, waitForArrivals } from "../lib/counting-receiver.mjs";
import { visitorCall } from "../lib/events.mjs";
import { runLoad } from "../lib/load.mjs";
import { groupCpuMsByCommand } from "../lib/process-cpu.mjs";
import { log, round, sleep } from "../lib/stats.mjs";

/** `SLUICE_BENCH_COST_EVENTS` overrides it (small while developing). */
const DEFAULT_EVENTS = 3_000;
const CALLS_PER_VISITOR = 10;
/** Each visitor's calls, in order (offset per visitor): 10 page, 7 track, 3 identify in 20. */
const KINDS = "ptpitptpptpitptpptpi";
const ROUTE_OF = { p: "/v1/p", t: "/v1/t", i: "/v1/i" };
const SEND_CONCURRENCY = 8;
/** Warm-up events from visitors of their own: every dedupe shard and consumer exists before counting starts. */
const WARMUP_EVENTS = 200;
const RETENTION_MONTHS = 1;
const DRAIN_TIMEOUT_MS = 600_000;
const QUIET_WINDOW_MS = 3_000;
/** workerd below this share of one core is idle (the dev server's timers and polls). */
const QUIET_CORES = 0.05;
const RATES = [1_000, 10_000, 100_000];

/** The calls of `visitors` visitors (numbered from `firstVisitor`), interleaved step by step as many browse at once. */
function storefrontCalls(runId, label, visitors, now, firstVisitor = 0) {
  const calls = [];
  const knownAs = new Map();
  for (let step = 0; step < CALLS_PER_VISITOR; step += 1) {
    for (let visitor = 0; visitor < visitors; visitor += 1) {
      const kind = KINDS[(visitor + step) % KINDS.length];
      if (kind === "i") knownAs.set(visitor, `bench-${runId}-${label}-user-${visitor}`);
      const index = calls.length;
      const body = visitorCall(
        { p: "page", t: "track", i: "identify" }[kind],
        index,
        firstVisitor + visitor,
        {
          messageId: `bench-${runId}-${label}-${index}`,
          userId: knownAs.get(visitor),
        },
        now,
      );
      calls.push({ route: ROUTE_OF[kind], body });
    }
  }
  return calls;
}

/** A source of its own with one webhook destination to the receiver's `/hook` lane. */
async function createPipeline(baseUrl, runId, receiverOrigin) {
  const { source } = await adminPost(baseUrl, "/api/v1/sources", { name: `bench ${runId} cost` });
  await adminPost(baseUrl, "/api/v1/destinations", {
    name: `bench ${runId} cost webhook`,
    type: "webhook",
    enabled: true,
    sourceIds: [source.id],
    settings: { url: `${receiverOrigin}/hook` },
  });
  return source;
}

/** Sends the calls (each alone, `SEND_CONCURRENCY` at a time); throws unless all were accepted. */
async function sendCalls(baseUrl, source, calls) {
  const load = await runLoad(
    calls.map(({ route, body }) => trackingRequest(baseUrl, route, body, source.writeKey)),
    SEND_CONCURRENCY,
  );
  const failed = Object.values(load.failures).reduce((sum, n) => sum + n, 0);
  if (failed > 0) throw new Error(`cost bench: ${failed} of ${calls.length} calls were not accepted: ${JSON.stringify(load.failures)}`);
  return load.wallMs / 1000;
}

/** Waits until the server's workerd uses under QUIET_CORES for a whole window; answers the window's start and its CPU then. */
async function untilQuiet(group, what) {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  let at = performance.now();
  let cpu = groupCpuMsByCommand(group);
  for (;;) {
    await sleep(QUIET_WINDOW_MS);
    const nowAt = performance.now();
    const nowCpu = groupCpuMsByCommand(group);
    const rate = ((nowCpu.workerd ?? 0) - (cpu.workerd ?? 0)) / (nowAt - at);
    if (rate < QUIET_CORES) return { at, cpu, idleRate: rate };
    if (nowAt > deadline) throw new Error(`cost bench: ${what}: the server never went quiet`);
    at = nowAt;
    cpu = nowCpu;
  }
}

/** The run's `sluice-meter` lines: what the log holds past byte `offset`. */
function meterLinesSince(logPath, offset) {
  return parseMeterLines(readFileSync(logPath).subarray(offset).toString("utf8"));
}

/** Sends a warm-up and waits for it everywhere: its first-use costs are not the run's. */
async function warmUp(baseUrl, source, lane, runId) {
  const calls = storefrontCalls(runId, "warmup", WARMUP_EVENTS / CALLS_PER_VISITOR, new Date(), 900_000);
  const since = performance.now();
  await sendCalls(baseUrl, source, calls);
  const ids = new Set(calls.map(({ body }) => body.messageId));
  if (!(await waitForArrivals(lane, ids, since, { firstTimeoutMs: 60_000, completeTimeoutMs: DRAIN_TIMEOUT_MS, what: "cost warm-up" }))) {
    throw new Error("cost bench: the warm-up events did not all reach the webhook");
  }
}

/** Pass 1: the metered run. Answers the summed meter lines, the archive check and timings. */
async function meteredPass(baseUrl, server, runId, events) {
  const receiver = await startCountingReceiver();
  try {
    const lane = receiver.lane("/hook");
    const source = await createPipeline(baseUrl, runId, receiver.origin);
    await warmUp(baseUrl, source, lane, runId);
    await untilQuiet(server.processGroup, "after the warm-up");

    const calls = storefrontCalls(runId, "metered", events / CALLS_PER_VISITOR, new Date());
    const ids = new Set(calls.map(({ body }) => body.messageId));
    const offset = statSync(server.logPath).size;
    const from = new Date(Date.now() - 1_000);
    log(`cost: sending ${calls.length} calls one per request, ${SEND_CONCURRENCY} at a time (metered)`);
    const since = performance.now();
    const sendSeconds = await sendCalls(baseUrl, source, calls);
    if (!(await waitForArrivals(lane, ids, since, { firstTimeoutMs: 60_000, completeTimeoutMs: DRAIN_TIMEOUT_MS, what: "cost" }))) {
      throw new Error("cost bench: not every event reached the webhook");
    }
    // Identity and the archive finish after delivery: wait until every queue's messages were
    // acked, then for the server to go quiet (the dedupe shards flush on an alarm).
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (!queuesDrained(summarizeMeterLines(meterLinesSince(server.logPath, offset)))) {
      if (performance.now() > deadline) throw new Error("cost bench: the queues did not drain");
      await sleep(1_000);
    }
    await untilQuiet(server.processGroup, "after the metered run");
    const drainSeconds = (performance.now() - since) / 1000;
    const summary = summarizeMeterLines(meterLinesSince(server.logPath, offset));
    const archived = (await countArchived(baseUrl, source.id, from, ids)).size;
    if (archived !== events) throw new Error(`cost bench: ${archived} of ${events} events archived`);
    // D1's size when the run began: the last size a query reported before it.
    const before = parseMeterLines(readFileSync(server.logPath).subarray(0, offset).toString("utf8"));
    const d1BytesBefore = before.findLast((line) => line.gauges?.["d1:DB.sizeAfter"] !== undefined)?.gauges["d1:DB.sizeAfter"] ?? 0;
    return { summary, d1BytesBefore, sendSeconds, drainSeconds, archived, delivered: [...ids].filter((id) => lane.counts.has(id)).length };
  } finally {
    await receiver.close();
  }
}

/** Pass 2: the same workload without the hook; answers workerd's CPU per event, idle subtracted. */
async function cpuPass(baseUrl, server, runId, events) {
  const receiver = await startCountingReceiver();
  try {
    const lane = receiver.lane("/hook");
    const source = await createPipeline(baseUrl, runId, receiver.origin);
    await warmUp(baseUrl, source, lane, runId);
    const before = await untilQuiet(server.processGroup, "before the CPU run");
    const calls = storefrontCalls(runId, "cpu", events / CALLS_PER_VISITOR, new Date());
    const ids = new Set(calls.map(({ body }) => body.messageId));
    log(`cost: sending the same ${calls.length} calls to an unmetered server for its CPU`);
    const startAt = performance.now();
    const start = groupCpuMsByCommand(server.processGroup);
    await sendCalls(baseUrl, source, calls);
    if (!(await waitForArrivals(lane, ids, startAt, { firstTimeoutMs: 60_000, completeTimeoutMs: DRAIN_TIMEOUT_MS, what: "cost CPU" }))) {
      throw new Error("cost bench: not every event reached the webhook (CPU pass)");
    }
    const end = await untilQuiet(server.processGroup, "after the CPU run");
    const elapsed = end.at - startAt;
    const used = (command) => (end.cpu[command] ?? 0) - (start[command] ?? 0);
    const workerdMs = used("workerd") - before.idleRate * elapsed;
    const serverMs = Object.keys(end.cpu).reduce((sum, command) => sum + used(command), 0);
    return { workerdMsPerEvent: workerdMs / events, serverMsPerEvent: serverMs / events, idleCoresSubtracted: before.idleRate, seconds: elapsed / 1000 };
  } finally {
    await receiver.close();
  }
}

/** D1's growth goes to the stages by their share of the rows written to it. */
function splitD1Bytes(byStage, bytes) {
  const written = Object.entries(byStage).map(([stage, units]) => [stage, units.d1RowsWritten ?? 0]);
  const all = written.reduce((sum, [, rows]) => sum + rows, 0);
  return Object.fromEntries(written.filter(([, rows]) => rows > 0).map(([stage, rows]) => [stage, (bytes * rows) / all]));
}

/** Calls per event on each Durable Object namespace, D1 queries, queue messages and R2 writes. */
function loadPerEvent(byGroup, events) {
  const per = (value) => round((value ?? 0) / events, 4);
  const load = { d1Queries: per(byGroup["d1:DB"]?.queries), r2Puts: per(byGroup["r2:ARCHIVE"]?.classA), doRequests: {}, queueMessages: {} };
  for (const [group, counters] of Object.entries(byGroup)) {
    const [kind, name] = group.split(":");
    if (kind === "do") load.doRequests[name] = per(counters.requests);
    if (kind === "queue") load.queueMessages[name] = per(counters.messages);
  }
  return load;
}

const roundAll = (object, digits) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, round(value, digits)]));
/** Units per event keep 4 significant digits: GB-months per event are around 1e-5. */
const significant = (object) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, Number(value.toPrecision(4))]));

/** `onServer(label, vars, work)` runs `work(baseUrl, server)` on a fresh server with `vars` added. */
export async function benchCost(runId, onServer) {
  const events = Number(process.env.SLUICE_BENCH_COST_EVENTS ?? DEFAULT_EVENTS);
  if (!Number.isInteger(events / CALLS_PER_VISITOR) || events <= 0)
    throw new Error(`SLUICE_BENCH_COST_EVENTS must be a positive multiple of ${CALLS_PER_VISITOR}`);

  const metered = await onServer("sluice-bench-cost", { SLUICE_TEST_HOOKS: "1", SLUICE_METER: "1" }, (baseUrl, server) =>
    meteredPass(baseUrl, server, runId, events),
  );
  const cpu = await onServer("sluice-bench-cost-cpu", {}, (baseUrl, server) => cpuPass(baseUrl, server, runId, events));

  const { summary, d1BytesBefore } = metered;
  const d1Bytes = Math.max(0, (summary.d1SizeAfter ?? d1BytesBefore) - d1BytesBefore);
  const storedBytesByStage = {};
  const store = (stage, unit, bytes) => ((storedBytesByStage[stage] ??= {})[unit] = bytes);
  if (summary.r2BytesPut > 0) store("eventsConsumer", "r2StoredGbMonths", summary.r2BytesPut);
  for (const [stage, bytes] of Object.entries(summary.doBytesByStage)) store(stage, "doStoredGbMonths", bytes);
  for (const [stage, bytes] of Object.entries(splitD1Bytes(summary.byStage, d1Bytes))) store(stage, "d1StoredGbMonths", bytes);

  const perEvent = unitsPerEvent(summary.byStage, { events, cpuMsPerEvent: cpu.workerdMsPerEvent, storedBytesByStage, retentionMonths: RETENTION_MONTHS });
  const priced = priceUnits(perEvent, PRICES);
  const totalPerEvent = {};
  for (const units of Object.values(perEvent)) for (const [unit, value] of Object.entries(units)) totalPerEvent[unit] = (totalPerEvent[unit] ?? 0) + value;
  const eventsConsumerBatches = summary.consumerInvocations["sluice-events"] ?? 0;
  log(`cost: ${round(priced.usdPerMillionEvents, 3)} USD per million events; shares ${JSON.stringify(roundAll(priced.shares, 3))}`);

  return {
    events,
    mix: {
      page: 0.5,
      track: 0.35,
      identify: 0.15,
      callsPerVisitor: CALLS_PER_VISITOR,
      sentAs: "one call per request (/v1/p, /v1/t, /v1/i), as analytics-next sends by default",
    },
    identity: true,
    destinations: 1,
    usdPerMillionEvents: round(priced.usdPerMillionEvents, 3),
    monthlyUsd: Object.fromEntries(RATES.map((rate) => [`${rate}PerSecond`, round((priced.usdPerMillionEvents * rate * SECONDS_PER_MONTH) / 1e6, 0)])),
    shares: roundAll(priced.shares, 3),
    usdPerMillionByStage: roundAll(priced.byStage, 3),
    usdPerMillionByUnit: roundAll(priced.byUnit, 3),
    perEvent: significant(totalPerEvent),
    perEventByStage: Object.fromEntries(Object.entries(perEvent).map(([stage, units]) => [stage, significant(units)])),
    stages: STAGES,
    eventsPerEventsConsumerBatch: round(events / Math.max(1, eventsConsumerBatches), 1),
    // What sets the load on each limit the capacity model looks at (README), per event.
    loadPerEvent: loadPerEvent(summary.byGroup, events),
    consumerInvocations: summary.consumerInvocations,
    retriedMessages: summary.retried,
    storage: {
      retentionMonths: RETENTION_MONTHS,
      r2BytesPerEvent: round(summary.r2BytesPut / events, 0),
      doBytesPerEvent: round(Object.values(summary.doBytesByStage).reduce((sum, bytes) => sum + bytes, 0) / events, 0),
      d1BytesPerEvent: round(d1Bytes / events, 0),
    },
    cpu: {
      workerdMsPerEvent: round(cpu.workerdMsPerEvent, 3),
      serverMsPerEvent: round(cpu.serverMsPerEvent, 3),
      idleCoresSubtracted: round(cpu.idleCoresSubtracted, 3),
    },
    sendSeconds: round(metered.sendSeconds),
    drainSeconds: round(metered.drainSeconds),
    archived: metered.archived,
    delivered: metered.delivered,
    excludedRequests: summary.excluded,
    prices: { readOn: PRICES_READ_ON, sources: PRICE_SOURCES, freeAllowancesIgnored: true },
  };
}
