import type { D1Migration } from "cloudflare:test";
import type { AppEnv } from "../../../src/env";

declare global {
  /**
   * What cloudflare:test's `getQueueResult` answers. Only workers-types' experimental entry
   * declares it, so without this it is an unresolved type in the tests (and `any` to the linter).
   */
  interface FetcherQueueResult {
    outcome: string;
    ackAll: boolean;
    retryBatch: { retry: boolean; delaySeconds?: number };
    explicitAcks: string[];
    retryMessages: { msgId: string; delaySeconds?: number }[];
  }
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
