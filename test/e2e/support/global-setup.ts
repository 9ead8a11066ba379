import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

/**
 * Starts one Sluice (`npm run dev`, i.e. `node scripts/dev.mjs` -> `wrangler dev`) for the whole
 * e2e run, on a free port with its own fresh state directory, and hands its URL to the tests as
 * `inject("baseUrl")`. Tear-down stops the whole process group (node, wrangler, workerd) and
 * removes the state. Set SLUICE_E2E_KEEP=1 to keep the state directory and server log.
 */
declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = await mkdtemp(join(tmpdir(), "sluice-e2e-"));
  const logPath = join(stateDir, "server.log");
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  const logFd = openSync(logPath, "a");
  const child = spawn(process.execPath, ["scripts/dev.mjs"], {
    cwd: REPO_ROOT,
    detached: true, // own process group, so tear-down reaches wrangler and workerd too
    stdio: ["ignore", logFd, logFd],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SLUICE_PERSIST_DIR: join(stateDir, "state"),
    },
  });
  closeSync(logFd);
  // If the runner dies without tear-down, do not leave a server behind.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const teardown = async () => {
    process.off("exit", killOnExit);
    await stopGroup(child);
    if (process.env.SLUICE_E2E_KEEP) console.log(`[e2e] kept Sluice state and log in ${stateDir}`);
    else await rm(stateDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, child);
  } catch (error) {
    await stopGroup(child);
    const output = tail(logPath, 80);
    const kept = process.env.SLUICE_E2E_KEEP
      ? `full log kept in ${logPath}`
      : "set SLUICE_E2E_KEEP=1 to keep the full log and state";
    if (!process.env.SLUICE_E2E_KEEP) await rm(stateDir, { recursive: true, force: true });
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n` +
        `--- last lines of the server output (${kept}) ---\n${output}`,
    );
  }

  project.provide("baseUrl", baseUrl);
  return teardown;
}

/** A port the OS just handed out and released: free, barring a race nobody here runs. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a listening socket"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `npm run dev exited with code ${child.exitCode}, signal ${child.signalCode}, before /health answered`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastProblem = `GET /health answered ${response.status}`;
    } catch (error) {
      lastProblem = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Sluice did not answer GET ${baseUrl}/health with 200 within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem})`);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  return signalGroup(child, 0);
}

/** SIGTERM to the group, then SIGKILL whatever is still alive after a grace period. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (!signalGroup(child, "SIGTERM")) return;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupAlive(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive(child)) signalGroup(child, "SIGKILL");
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch (error) {
    return `(no log: ${String(error)})`;
  }
}
