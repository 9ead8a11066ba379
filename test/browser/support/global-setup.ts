import type { TestProject } from "vitest/node";
import { startDevServer } from "../../../scripts/dev-server.mjs";
import { assertChromiumInstalled, chromiumPath } from "./chromium";

/**
 * Starts one private Sluice (`wrangler dev` on a free loopback port, fresh state) for the whole
 * browser run. Node-side helpers (admin API, archive) talk to `baseUrl` (127.0.0.1, as in the e2e
 * suite, whose helpers these tests reuse); pages in Chromium use `sluiceBrowserUrl`, the same
 * server as `http://localhost:<port>`, so that the test pages (served from
 * `http://localhost:<other port>`) and Sluice are same-site and share cookies (cookies ignore
 * ports). Set SLUICE_E2E_KEEP=1 to keep the state directory and server log.
 */
declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    sluiceBrowserUrl: string;
    /** wrangler's output, so a failure can say whether the Worker was reloaded mid-run. */
    sluiceLogPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail before spending a minute on wrangler when the browser is missing: never skip.
  assertChromiumInstalled();
  const log = (line: string) => console.log(`[browser] ${line}`);
  log(`Chromium: ${chromiumPath()}`);
  const server = await startDevServer({ label: "sluice-browser", keep: Boolean(process.env.SLUICE_E2E_KEEP), log });
  const { port } = new URL(server.baseUrl);
  project.provide("baseUrl", server.baseUrl);
  project.provide("sluiceBrowserUrl", `http://localhost:${port}`);
  project.provide("sluiceLogPath", server.logPath);
  return async () => {
    const reloads = server.reloads();
    if (reloads > 0) {
      log(`warning: wrangler reloaded the Worker ${reloads} time(s) during the run (sources changed); failures may come from that`);
    }
    await server.stop();
  };
}
