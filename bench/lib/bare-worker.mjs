// Starts one of the bench's bare Workers (bench/bare/<name>/) with `wrangler dev` on a free
// loopback port, state and log in a temporary directory of its own, as scripts/dev-server.mjs
// starts Sluice: its own process group, killed when stopped or when this process exits.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, signalGroup } from "../../scripts/dev-server.mjs";
import { sleep } from "./stats.mjs";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(REPO_ROOT, "node_modules/wrangler/bin/wrangler.js");
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** Resolves once GET / answers 200; `stop()` is idempotent. `processGroup` is for reading its CPU time. */
export async function startBareWorker(name, { log = () => {}, stateRoot = tmpdir() } = {}) {
  const stateDir = await mkdtemp(join(stateRoot, `bench-bare-${name}-`));
  const logPath = join(stateDir, "wrangler.log");
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFd = openSync(logPath, "a");
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      "dev",
      "--config",
      join(REPO_ROOT, "bench/bare", name, "wrangler.toml"),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      join(stateDir, "state"),
      "--show-interactive-dev-session=false",
    ],
    { cwd: REPO_ROOT, detached: true, stdio: ["ignore", logFd, logFd], env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } },
  );
  closeSync(logFd);
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      process.off("exit", killOnExit);
      if (signalGroup(child, "SIGTERM")) {
        const deadline = Date.now() + STOP_GRACE_MS;
        while (signalGroup(child, 0) && Date.now() < deadline) await sleep(100);
        signalGroup(child, "SIGKILL");
      }
      await rm(stateDir, { recursive: true, force: true });
    })());

  log(`starting bare worker ${name} on ${baseUrl}`);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const output = readFileSync(logPath, "utf8").split("\n").slice(-40).join("\n");
      await stop();
      throw new Error(`bare worker ${name} did not answer GET ${baseUrl}/ within ${STARTUP_TIMEOUT_MS / 1000} s\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  return { name, baseUrl, processGroup: child.pid, stop };
}
