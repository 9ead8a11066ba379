#!/usr/bin/env node
// `npm run bench`: Sluice's edge collection spine, measured against baselines in the same run.
// Progress goes to stderr; the last line of stdout is the JSON summary. Nothing here asserts a
// timing: the numbers are for people and trend lines, the ratios for comparing machines.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { benchArchive } from "./sections/archive.mjs";
import { benchEdge } from "./sections/edge.mjs";
import { benchIdentity } from "./sections/identity.mjs";
import { benchIngestDomain } from "./sections/ingest-domain.mjs";
import { benchPlan } from "./sections/plan.mjs";
import { benchSdkSize } from "./sections/sdk-size.mjs";
import { startDevServer } from "../scripts/dev-server.mjs";
import { log, round } from "./lib/stats.mjs";

async function main() {
  const started = performance.now();
  // Per-run messageIds: a kept state directory (SLUICE_BENCH_KEEP) must not dedupe a later run.
  const runId = randomUUID().slice(0, 8);

  // In-process first, while nothing else of ours competes for the CPU.
  const ingestDomain = await benchIngestDomain();
  const plan = await benchPlan();

  // Local Durable Object and D1 state is SQLite files; on a slow disk their commits, not Sluice,
  // set the pace (identity writes several small transactions per event). Memory-backed state
  // measures the code; `stateOn` in the summary says which one this run used.
  const stateOn = existsSync("/dev/shm") && !process.env.SLUICE_BENCH_ON_DISK ? "tmpfs" : "disk";
  const stateRoot = stateOn === "tmpfs" ? "/dev/shm" : undefined;
  const server = await startDevServer({ label: "sluice-bench", keep: Boolean(process.env.SLUICE_BENCH_KEEP), log, stateRoot });
  let sdk;
  let edge;
  let archive;
  let identity;
  let serverReloads;
  try {
    sdk = await benchSdkSize(server.baseUrl);
    edge = await benchEdge(server.baseUrl, runId);
    archive = await benchArchive(server.baseUrl, runId);
    serverReloads = server.reloads();
  } finally {
    await server.stop();
  }
  // Identity on a server of its own: the first one is still resolving the edge section's burst on
  // the IDENTITY queue (it no longer holds up the archive), and that backlog is not what we measure.
  const identityServer = await startDevServer({ label: "sluice-bench-identity", keep: false, log, stateRoot });
  try {
    identity = await benchIdentity(identityServer.baseUrl, runId);
    serverReloads += identityServer.reloads();
  } finally {
    await identityServer.stop();
  }
  if (serverReloads > 0) log(`WARNING: the Worker was reloaded ${serverReloads} time(s) during the run (source edited?): rerun`);

  const summary = {
    bench: "sluice",
    node: process.version,
    stateOn,
    sdk,
    ingestDomain,
    plan,
    edge: { serverStartupSeconds: round(server.startupSeconds), ...edge },
    archive,
    identity,
    serverReloads,
    totalSeconds: round((performance.now() - started) / 1000, 1),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error) => {
  log(`failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
});
