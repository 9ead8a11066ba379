// What bundling Segment's Actions destinations into the Worker costs: its size as wrangler would
// upload it, against Cloudflare's limits, and its startup, with every destination and with one.
//
// Side effect: the one-destination build rewrites the generated
// src/destinations/actions/framework/segment-actions.bundle.cjs (wrangler's [build] runs
// scripts/build-actions.mjs); it is rebuilt as before when done, whatever happens. Run it while no
// `wrangler dev` watches this checkout, or that server reloads twice.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildActions } from "../../scripts/build-actions.mjs";
import { childrenCpuMs } from "./process-cpu.mjs";
import { median } from "./stats.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const ACTIONS_BUNDLE = join(ROOT, "src/destinations/actions/framework/segment-actions.bundle.cjs");
const FIRST_ANSWER = fileURLToPath(new URL("./miniflare-first-answer.mjs", import.meta.url));

/**
 * Cloudflare's limit on a Worker's size after compression (the gzip size wrangler prints):
 * 3 MiB on the Workers Free plan, 10 MiB on Workers Paid
 * (https://developers.cloudflare.com/workers/platform/limits/#worker-size).
 */
export const WORKER_GZIP_LIMIT_BYTES = { free: 3 * 1024 * 1024, paid: 10 * 1024 * 1024 };
/**
 * Cloudflare's limit on a Worker's startup, parsing and running its global scope: 1 s on every
 * plan since October 2025, 400 ms before (https://developers.cloudflare.com/workers/platform/limits/#worker-startup-time).
 */
export const WORKER_STARTUP_LIMIT_MS = 1_000;

/** The destination the small build keeps: the one the actions bench delivers through. */
const ONE_DESTINATION = "webhook";
/** Rounds of each startup measurement; the median is reported. */
const STARTUP_ROUNDS = 5;

/** compatibility_date and compatibility_flags from wrangler.toml, so Miniflare runs the Worker as wrangler dev does. */
function compatibility() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  if (!date) throw new Error("worker bundle bench: no compatibility_date in wrangler.toml");
  return { compatibilityDate: date, compatibilityFlags: [...(flags ?? "").matchAll(/"([^"]+)"/g)].map((match) => match[1]) };
}

/** Runs `node <args>` in the repository, resolving with its output; a non-zero exit rejects with the output's tail. */
function runNode(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`node ${args.slice(0, 3).join(" ")} exited with ${code}:\n${output.split("\n").slice(-30).join("\n")}`));
    });
  });
}

/**
 * The Worker exactly as `wrangler deploy` would upload it (`--dry-run --outdir`, offline): its
 * module's bytes and gzip bytes (source maps are not uploaded unless upload_source_maps is set;
 * the gzip size is the one wrangler prints as "Total Upload: … / gzip: …"), and its path.
 */
export async function dryRunUpload(outdir, env = {}) {
  await runNode([WRANGLER, "deploy", "--dry-run", "--outdir", outdir], env);
  const files = (await readdir(outdir)).filter((name) => name !== "README.md" && !name.endsWith(".map"));
  if (files.length !== 1) throw new Error(`worker bundle bench: expected wrangler to write one module, found ${files.join(", ")}`);
  const code = await readFile(join(outdir, files[0]));
  return { bytes: code.length, gzipBytes: gzipSync(code).length, path: join(outdir, files[0]) };
}

/**
 * A fresh workerd's first answer (bench/lib/miniflare-first-answer.mjs in a process of its own):
 * the wall time to it, and the CPU the process and its workerd used from start to exit, read as
 * this process's children's time, so other work on the machine does not count.
 */
async function firstAnswer(path, config) {
  const cpuBefore = childrenCpuMs();
  const output = await runNode([FIRST_ANSWER, path, JSON.stringify(config)]);
  const cpuMs = childrenCpuMs() - cpuBefore;
  return { wallMs: JSON.parse(output.trim().split("\n").at(-1)).firstAnswerMs, cpuMs };
}

/**
 * The generated Actions bundle's top level and every destination's definition, evaluated in a
 * fresh Node process (no Workers-only module is imported by it, so nothing needs a stub). Same V8
 * as workerd, but Node's module loader and no isolate limits: a relative cost, not the platform's.
 */
const EVALUATE = `
const started = performance.now();
const bundle = require(process.argv[1]);
const required = performance.now();
for (const load of Object.values(bundle.destinations)) load();
console.log(JSON.stringify({ topLevelMs: required - started, allDefinitionsMs: performance.now() - required }));
`;

async function nodeEvaluation() {
  const runs = [];
  for (let round = 0; round < STARTUP_ROUNDS; round += 1) runs.push(JSON.parse(await runNode(["-e", EVALUATE, ACTIONS_BUNDLE])));
  return { topLevelMs: median(runs.map((run) => run.topLevelMs)), allDefinitionsMs: median(runs.map((run) => run.allDefinitionsMs)) };
}

/**
 * Sizes and startup of the Worker with every Actions destination this build runs and with one.
 *
 * Startup is a fresh workerd's first answer (Miniflare), each build STARTUP_ROUNDS times,
 * interleaved so a busy moment hits every build alike; medians. Both the wall time to the answer
 * and the CPU of the whole process (Node, Miniflare, workerd: start, compile, global scope, first
 * answer, shutdown) include costs every build pays alike, which the empty Worker's figures show;
 * the differences between builds are what their code costs to compile and run at startup. The CPU
 * figure is the steadier one (other work on the machine does not count) and the one Cloudflare's
 * startup limit is about. Not captured: Cloudflare's own startup (other CPUs, its code cache), and
 * the lazy evaluation of a destination's module on first use (the catalog and first delivery pay it).
 */
export async function measureWorkerBundle() {
  // The caller's build (SLUICE_ACTIONS, or every destination) is what `all` means below.
  const framework = await buildActions({ log: () => {} });
  const evaluation = await nodeEvaluation();
  const dir = await mkdtemp(join(tmpdir(), "sluice-bench-bundle-"));
  try {
    const all = await dryRunUpload(join(dir, "all"), {});
    const one = await dryRunUpload(join(dir, "one"), { SLUICE_ACTIONS: ONE_DESTINATION });
    const config = compatibility();
    const builds = { empty: "empty", one: one.path, all: all.path };
    const runs = { empty: [], one: [], all: [] };
    for (let round = 0; round < STARTUP_ROUNDS; round += 1) {
      for (const [name, path] of Object.entries(builds)) runs[name].push(await firstAnswer(path, config));
    }
    const medians = (key) => Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list.map((run) => run[key]))]));
    const upload = ({ bytes, gzipBytes }) => ({ bytes, gzipBytes });
    return { framework, evaluation, upload: { all: upload(all), one: upload(one) }, firstAnswerMs: medians("wallMs"), firstAnswerCpuMs: medians("cpuMs") };
  } finally {
    await buildActions({ log: () => {} });
    await rm(dir, { recursive: true, force: true });
  }
}
