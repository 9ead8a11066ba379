// Starts a private Sluice (`node scripts/dev.mjs` → wrangler dev → workerd) on a free loopback
// port with its own state directory, for the e2e and browser suites and the bench: each run gets
// a fresh workspace and never touches the developer's `.wrangler/state`.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const STARTUP_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts Sluice and resolves once GET /health answers 200. `stop` is idempotent and also runs on
 * SIGINT/SIGTERM; the process group is killed if this process exits without it, so no server
 * outlives its caller. `vars` override wrangler.toml's [vars] for this server only. With `keep`, the state directory and server log are left for inspection.
 * `stateDir` and `port` restart a server on another's state and address (the fault tests kill one
 * with SIGKILL): the directory is then the caller's, appended to and never removed.
 * `wranglerConfig` names another config file to run instead of wrangler.toml.
 */
export async function startDevServer({
  label = "sluice",
  keep = false,
  log = () => {},
  stateRoot = tmpdir(),
  vars = {},
  stateDir: givenStateDir,
  port: givenPort,
  wranglerConfig,
} = {}) {
  const stateDir = givenStateDir ?? (await mkdtemp(join(stateRoot, `${label}-`)));
  const ownsState = givenStateDir === undefined;
  const logPath = join(stateDir, "server.log");
  const persistDir = join(stateDir, "state");
  const port = givenPort ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;

  // Server output goes to a file: the caller's stdout may be a test report or a JSON summary.
  const logFd = openSync(logPath, "a");
  const child = spawn(process.execPath, ["scripts/dev.mjs"], {
    cwd: REPO_ROOT,
    detached: true, // its own process group, so stopping it reaches wrangler and workerd too
    stdio: ["ignore", logFd, logFd],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SLUICE_PERSIST_DIR: persistDir,
      SLUICE_DEV_VARS: JSON.stringify(vars),
      ...(wranglerConfig ? { SLUICE_WRANGLER_CONFIG: wranglerConfig } : {}),
    },
  });
  closeSync(logFd);
  const killOnExit = () => signalGroup(child, "SIGKILL");
  const stopOnSignal = (signal) => void stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("exit", killOnExit);
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      process.off("exit", killOnExit);
      process.off("SIGINT", stopOnSignal);
      process.off("SIGTERM", stopOnSignal);
      if (signalGroup(child, "SIGTERM")) {
        const deadline = Date.now() + STOP_GRACE_MS;
        while (signalGroup(child, 0) && Date.now() < deadline) await sleep(100);
        signalGroup(child, "SIGKILL");
      }
      if (keep || !ownsState) log(`kept Sluice state and log in ${stateDir}`);
      else await rm(stateDir, { recursive: true, force: true });
    })());

  log(`starting Sluice on ${baseUrl} (state in ${stateDir})`);
  const startedAt = performance.now();
  try {
    await waitForHealth(baseUrl, child, logPath);
  } catch (error) {
    const output = tail(logPath, 80);
    await stop();
    throw new Error(`${error instanceof Error ? error.message : error}\n--- last lines of the server output ---\n${output}`);
  }
  const startupSeconds = (performance.now() - startedAt) / 1000;
  log(`Sluice healthy after ${startupSeconds.toFixed(1)} s`);
  // `processGroup`: the id of the server's process group (node, wrangler, workerd), for reading its CPU time;
  // `persistDir`: wrangler's --persist-to (its v3/do/<worker>-<class>/ holds each Durable Object's SQLite files).
  return { baseUrl, port, stateDir, startupSeconds, logPath, processGroup: child.pid, persistDir, stop, reloads: () => countReloads(logPath) };
}

/** A port the OS just handed out and released. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Signals the child's whole process group (node, wrangler, workerd); false once it is gone. */
export function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in the group
  }
}

async function waitForHealth(baseUrl, child, logPath) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`scripts/dev.mjs exited (code ${child.exitCode}, signal ${child.signalCode}) before /health answered; log: ${logPath}`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastProblem = `GET /health answered ${response.status}`;
    } catch (error) {
      lastProblem = String(error);
    }
    await sleep(250);
  }
  throw new Error(`Sluice did not answer GET ${baseUrl}/health with 200 within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem})`);
}

/**
 * How often wrangler reloaded the Worker, from its log. wrangler dev watches the source tree, so
 * an edit during a run swaps the code mid-run: numbers from such a run should not be trusted.
 */
function countReloads(logPath) {
  try {
    return readFileSync(logPath, "utf8").split("Reloading local server").length - 1;
  } catch {
    return 0;
  }
}

function tail(path, lines) {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch (error) {
    return `(no log: ${error})`;
  }
}
