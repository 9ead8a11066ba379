import type { TestProject } from "vitest/node";
import { startDevServer } from "../../../scripts/dev-server.mjs";

/**
 * Starts one Sluice (`npm run dev` on a free port, with its own fresh state) for the whole e2e
 * run and hands its URL to the tests as `inject("baseUrl")`. Set SLUICE_E2E_KEEP=1 to keep the
 * state directory and server log.
 */
declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer({
    label: "sluice-e2e",
    keep: Boolean(process.env.SLUICE_E2E_KEEP),
    log: (line) => console.log(`[e2e] ${line}`),
    // Destination retries after 1, 2, 4… seconds instead of 10, 20, 40…: a retry test takes seconds.
    vars: { DELIVERY_RETRY_FIRST_DELAY_SECONDS: "1" },
  });
  project.provide("baseUrl", server.baseUrl);
  return () => server.stop();
}
