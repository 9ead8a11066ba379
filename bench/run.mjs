#!/usr/bin/env node
// `npm run bench`: Sluice's edge collection spine, measured against baselines in the same run.
// Progress goes to stderr; the last line of stdout is the JSON summary. Nothing here asserts a
// timing: the numbers are for people and trend lines, the ratios for comparing machines.
//
// Environment:
//   SLUICE_BENCH_SECTIONS=fql,delivery  run only these sections (comma-separated summary keys:
//                                       sdk, console, ingestDomain, plan, fql, warehouse, consumer, ingestVsBare,
//                                       edge, archive, debugger, consolePages, identity, profileMemory,
//                                       delivery, privacy, actions, cost); the summary holds only what ran
//   SLUICE_BENCH_INGEST_ROUNDS=6        edge rounds of the ingestVsBare section (default 12; the pipeline gets a third)
//   SLUICE_BENCH_DELIVERY_EVENTS=200    events the delivery section sends (default 2000)
//   SLUICE_BENCH_ACTIONS_EVENTS=200     events the actions section sends each destination per pass (default 2000, two passes)
//   SLUICE_BENCH_COST_EVENTS=500        events the cost section sends per pass (default 3000, a multiple of 10)
//   SLUICE_BENCH_ON_DISK=1              keep server state on disk instead of /dev/shm
//   SLUICE_BENCH_KEEP=1                 keep the first server's state directory and log
//
// After the summary, a markdown report with SVG charts of the figures goes to bench-results/
// (bench/report.mjs; `npm run bench:report < saved-output` renders one from a saved summary).
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { benchActions } from "./sections/actions.mjs";
import { benchArchive } from "./sections/archive.mjs";
import { benchConsolePages } from "./sections/console-pages.mjs";
import { benchConsoleSize } from "./sections/console-size.mjs";
import { benchCost } from "./sections/cost.mjs";
import { benchConsumer } from "./sections/consumer.mjs";
import { benchDebugger } from "./sections/debugger.mjs";
import { benchDelivery } from "./sections/delivery.mjs";
import { benchEdge } from "./sections/edge.mjs";
import { benchFql } from "./sections/fql.mjs";
import { benchIdentity } from "./sections/identity.mjs";
import { benchIngestDomain } from "./sections/ingest-domain.mjs";
import { benchIngestVsBare } from "./sections/ingest-vs-bare.mjs";
import { benchPlan } from "./sections/plan.mjs";
import { benchPrivacy } from "./sections/privacy.mjs";
import { benchProfileMemory } from "./sections/profile-memory.mjs";
import { benchSdkSize } from "./sections/sdk-size.mjs";
import { benchWarehouse } from "./sections/warehouse.mjs";
import { writeReport } from "./report.mjs";
import { startDevServer } from "../scripts/dev-server.mjs";
import { log, round } from "./lib/stats.mjs";

/** Every section, in the order they run; their names are the summary's keys. */
const SECTIONS = [
  "ingestDomain",
  "plan",
  "fql",
  "warehouse",
  "console",
  "consumer",
  "ingestVsBare",
  "sdk",
  "edge",
  "archive",
  "debugger",
  "consolePages",
  "identity",
  "profileMemory",
  "delivery",
  "privacy",
  "actions",
  "cost",
];

/** The sections SLUICE_BENCH_SECTIONS names, or all of them. */
function selectedSections() {
  const configured = process.env.SLUICE_BENCH_SECTIONS?.trim();
  if (!configured) return new Set(SECTIONS);
  const names = configured
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const unknown = names.filter((name) => !SECTIONS.includes(name));
  if (unknown.length > 0) throw new Error(`SLUICE_BENCH_SECTIONS names unknown section(s) ${unknown.join(", ")}; known: ${SECTIONS.join(", ")}`);
  return new Set(names);
}

async function main() {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const sections = selectedSections();
  const selected = (name) => sections.has(name);
  // Per-run messageIds: a kept state directory (SLUICE_BENCH_KEEP) must not dedupe a later run.
  const runId = randomUUID().slice(0, 8);
  const results = {};

  // In-process first, while nothing else of ours competes for the CPU.
  if (selected("ingestDomain")) results.ingestDomain = await benchIngestDomain();
  if (selected("plan")) results.plan = await benchPlan();
  if (selected("fql")) results.fql = await benchFql();
  if (selected("warehouse")) results.warehouse = await benchWarehouse();
  if (selected("console")) results.console = await benchConsoleSize();

  // Local Durable Object and D1 state is SQLite files; on a slow disk their commits, not Sluice,
  // set the pace (identity writes several small transactions per event). Memory-backed state
  // measures the code; `stateOn` in the summary says which one this run used.
  const stateOn = existsSync("/dev/shm") && !process.env.SLUICE_BENCH_ON_DISK ? "tmpfs" : "disk";
  const stateRoot = stateOn === "tmpfs" ? "/dev/shm" : undefined;
  // The EVENTS consumer alone, in a Miniflare of this process with no queue consumers.
  if (selected("consumer")) results.consumer = await benchConsumer(runId, { stateRoot });
  let serverReloads = 0;
  /** Runs `work(baseUrl, server)` on a fresh server (with `vars` added to its own), stopped afterwards whatever happens. */
  const onServer = async (label, work, { keep = false, vars = {}, wranglerConfig } = {}) => {
    const server = await startDevServer({ label, keep, log, stateRoot, vars, wranglerConfig });
    try {
      return await work(server.baseUrl, server);
    } finally {
      serverReloads += server.reloads();
      await server.stop();
    }
  };

  // Sluice against bare Workers, on servers of its own (one without queue consumers), first: no
  // other section's backlog runs beside it.
  if (selected("ingestVsBare")) results.ingestVsBare = await benchIngestVsBare(runId, { onServer, stateRoot });
  if (["sdk", "edge", "archive"].some(selected)) {
    await onServer(
      "sluice-bench",
      async (baseUrl, server) => {
        if (selected("sdk")) results.sdk = await benchSdkSize(baseUrl);
        if (selected("edge")) results.edge = { serverStartupSeconds: round(server.startupSeconds), ...(await benchEdge(baseUrl, runId)) };
        if (selected("archive")) results.archive = await benchArchive(baseUrl, runId);
      },
      { keep: Boolean(process.env.SLUICE_BENCH_KEEP) },
    );
  }
  // The debugger on a fresh server, so no other section's backlog shares the cores with it; the
  // console's pages after it, on the same server, whose source then has events to show.
  if (["debugger", "consolePages"].some(selected)) {
    await onServer("sluice-bench-debugger", async (baseUrl) => {
      if (selected("debugger")) results.debugger = await benchDebugger(baseUrl, runId);
      if (selected("consolePages")) results.consolePages = await benchConsolePages(baseUrl, results.debugger?.sourceId ?? "dev_website");
    });
  }
  // Identity on a server of its own: the first one is still resolving the edge section's burst on
  // the IDENTITY queue (it no longer holds up the archive), and that backlog is not what we measure.
  if (selected("identity")) results.identity = await onServer("sluice-bench-identity", (baseUrl) => benchIdentity(baseUrl, runId));
  // Profiles' storage and memory on a server of their own: its Durable Objects are only theirs.
  if (selected("profileMemory")) {
    results.profileMemory = await onServer("sluice-bench-profiles", (baseUrl, server) => benchProfileMemory(baseUrl, runId, server));
  }
  // Delivery on a fresh server too: on the first one the edge burst's identity backlog (tens of
  // thousands of events) would share the two cores with the DELIVERIES consumer for the whole
  // section, and on the identity server the same holds for whatever it has not settled. A fresh
  // server runs only the delivery section's own events through every stage, which is what a
  // delivery throughput means, and lets the section run alone (SLUICE_BENCH_SECTIONS=delivery).
  if (selected("delivery")) results.delivery = await onServer("sluice-bench-delivery", (baseUrl) => benchDelivery(baseUrl, runId));
  // Privacy on a fresh server: its 100,000-event archive and the deletions are all it runs.
  if (selected("privacy")) results.privacy = await onServer("sluice-bench-privacy", (baseUrl) => benchPrivacy(baseUrl, runId));
  // Actions last, on a fresh server whose destination requests go to the section's receiver
  // (the test hooks); it first measures the Worker's bundle, which rebuilds the generated Actions
  // module, so no other server may be running then.
  if (selected("actions")) {
    results.actions = await benchActions(runId, (vars, work) => onServer("sluice-bench-actions", work, { vars }));
  }
  // Cost last, on two fresh servers of its own: one with the metering hook, one without for CPU.
  if (selected("cost")) results.cost = await benchCost(runId, (label, vars, work) => onServer(label, work, { vars }));
  if (serverReloads > 0) log(`WARNING: the Worker was reloaded ${serverReloads} time(s) during the run (source edited?): rerun`);

  const summary = {
    bench: "sluice",
    node: process.version,
    startedAt,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    stateOn,
    sections: SECTIONS.filter(selected),
    sdk: results.sdk,
    console: results.console,
    ingestDomain: results.ingestDomain,
    plan: results.plan,
    fql: results.fql,
    warehouse: results.warehouse,
    ingestVsBare: results.ingestVsBare,
    edge: results.edge,
    archive: results.archive,
    debugger: results.debugger,
    consolePages: results.consolePages,
    identity: results.identity,
    delivery: results.delivery,
    privacy: results.privacy,
    actions: results.actions,
    cost: results.cost,
    consumer: results.consumer,
    profileMemory: results.profileMemory,
    serverReloads,
    totalSeconds: round((performance.now() - started) / 1000, 1),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  // The report is a view of the summary already printed: failing to write it loses no figure.
  try {
    log(`report written to ${writeReport(summary)}`);
  } catch (error) {
    log(`report not written: ${error?.message ?? error}`);
  }
}

main().catch((error) => {
  log(`failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
