import type { D1Migration } from "cloudflare:test";
import type { AppEnv } from "../../../src/env";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export type TestEnv = AppEnv & { TEST_MIGRATIONS: D1Migration[] };

declare module "vitest" {
  /** The local HTTP receiver (test/support/receiver) started for the workerd project. */
  export interface ProvidedContext {
    receiverUrl: string;
  }
}
