// A private Sluice for one reliability test, with its state on tmpfs when there is one (as the
// bench does: identity's many small SQLite commits would otherwise measure the disk), the test
// hooks on, and the means to kill it with SIGKILL and start it again on the same state.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevServer, type DevServer } from "../../../scripts/dev-server.mjs";
import type { FaultPlan } from "../../../src/testing/faults";
import { unfinishedDispatches } from "./server-log";

const QUEUES = ["sluice-events", "sluice-identity", "sluice-deliveries"];
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/reliability/", import.meta.url));

export interface ReliabilityServer {
  baseUrl: string;
  /** SIGKILL to the whole process group (node, wrangler, workerd): nothing gets to clean up. */
  kill(): void;
  /** A new server on the same state directory and port. */
  restart(): Promise<void>;
  /** The server output so far (both lives, when restarted). */
  log(): Promise<string>;
  /** For a drain that timed out: the queues whose dispatch never ended in this life of the server. */
  diagnose(): Promise<string>;
  stop(): Promise<void>;
}

export async function startReliabilityServer(label: string, faults: Partial<FaultPlan>): Promise<ReliabilityServer> {
  const stateDir = await mkdtemp(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `sluice-${label}-`));
  const vars = { SLUICE_TEST_HOOKS: "1", SLUICE_TEST_FAULTS: JSON.stringify(faults) };
  const log = (line: string) => console.log(`[${label}] ${line}`);
  let server: DevServer = await startDevServer({ label, stateDir, vars, log });
  let lifeStartsAt = 0; // where this life's output starts in the log
  return {
    baseUrl: server.baseUrl,
    kill: () => process.kill(-server.processGroup, "SIGKILL"),
    restart: async () => {
      await server.stop(); // the group is gone; this only unhooks its signal handlers
      lifeStartsAt = (await readFile(server.logPath, "utf8")).length;
      server = await startDevServer({ label, stateDir, port: server.port, vars, log });
    },
    log: () => readFile(server.logPath, "utf8"),
    diagnose: async () => {
      const stalled = unfinishedDispatches((await readFile(server.logPath, "utf8")).slice(lifeStartsAt), QUEUES);
      return stalled.length > 0 ? `Miniflare's queue broker is still waiting on: ${stalled.join("; ")} (a stalled emulator queue, not lost events)` : "";
    },
    stop: async () => {
      await server.stop();
      // The log (with the consumers' trace) outlives the state, for a failure in CI.
      await mkdir(ARTIFACTS, { recursive: true });
      await copyFile(server.logPath, join(ARTIFACTS, `${label}-server.log`));
      if (process.env.SLUICE_RELIABILITY_KEEP) log(`kept ${stateDir}`);
      else await rm(stateDir, { recursive: true, force: true });
    },
  };
}
