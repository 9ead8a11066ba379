// Sluice's Worker in a Miniflare of this process, for sections that drive one handler directly
// (the EVENTS consumer) instead of through wrangler dev's queues: wrangler's own bundle of the
// Worker (`wrangler deploy --dry-run`), wrangler.toml's bindings as wrangler turns them into
// Miniflare options, the D1 migrations applied; the queue consumers left out, so nothing runs
// unless the caller asks for it (queued messages stay queued).
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { DEV } from "./client.mjs";
import { childProcessIds } from "./process-cpu.mjs";
import { dryRunUpload } from "./worker-bundle.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OUTPUT_TAIL_CHARS = 8_000;

async function applyMigrations(miniflare) {
  const db = await miniflare.getD1Database("DB");
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
}

/**
 * Starts the Worker with no queue consumers, its state in a fresh directory under `stateRoot`. Answers its URL (the admin API takes the local-dev
 * admin token), `worker` (Miniflare's handle: `worker.queue(name, messages)` runs the queue
 * handler once), the pids of its workerd (for its CPU time), the tail of its console, and `dispose`.
 */
export async function startSluiceWithoutConsumers({ log = () => {}, stateRoot = tmpdir() } = {}) {
  const buildDir = await mkdtemp(join(tmpdir(), "sluice-bench-worker-"));
  const stateDir = await mkdtemp(join(stateRoot, "sluice-bench-miniflare-"));
  const cleanUp = () => Promise.all([buildDir, stateDir].map((dir) => rm(dir, { recursive: true, force: true })));
  let miniflare;
  let output = "";
  try {
    log("building the Worker as wrangler deploys it (--dry-run)");
    const { path } = await dryRunUpload(buildDir);
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
    const { queueConsumers: _consumers, ...options } = workerOptions;
    const before = new Set(childProcessIds("workerd"));
    miniflare = new Miniflare({
      ...options,
      bindings: { ...options.bindings, ADMIN_TOKEN: DEV.adminToken },
      // Handed over as text, so Miniflare does not parse the bundle for its imports.
      modules: [{ type: "ESModule", path: "/worker/index.js", contents: readFileSync(path, "utf8") }],
      modulesRoot: "/worker",
      // Durable Objects, D1 and R2 as SQLite files and blobs in a directory of ours (tmpfs when the bench uses it).
      defaultPersistRoot: stateDir,
      // The Worker's console (a line per consumer batch) stays out of the bench's stdout; its tail is kept for errors.
      handleRuntimeStdio: (stdout, stderr) => {
        for (const stream of [stdout, stderr]) stream.on("data", (chunk) => (output = (output + chunk).slice(-OUTPUT_TAIL_CHARS)));
      },
    });
    const url = await miniflare.ready;
    await applyMigrations(miniflare);
    const workerdPids = childProcessIds("workerd").filter((pid) => !before.has(pid));
    if (workerdPids.length === 0) throw new Error("bench: found no workerd process of the Miniflare just started");
    const worker = await miniflare.getWorker();
    const started = miniflare;
    return {
      baseUrl: url.origin,
      worker,
      workerdPids,
      /** The end of the Worker's console output, for an error message. */
      output: () => output,
      dispose: async () => {
        await started.dispose();
        await cleanUp();
      },
    };
  } catch (error) {
    await miniflare?.dispose();
    await cleanUp();
    throw error;
  }
}
