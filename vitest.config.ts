import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { buildActions, FRAMEWORK_MODULES } from "./scripts/build-actions.mjs";
import { buildConsole } from "./scripts/build-console.mjs";
import { buildSdk } from "./scripts/build-sdk.mjs";

/**
 * Five projects:
 * - `workerd`: unit tests beside the code and integration tests, inside workerd with the real
 *   bindings of wrangler.toml (queues, Durable Objects, D1, R2) through Miniflare;
 * - `node`: Node tests of pure modules against real Node-only readers (DuckDB reads the
 *   warehouse's Parquet files);
 * - `e2e`: Node tests that start `npm run dev` (wrangler dev) and drive it with real clients;
 * - `browser`: Node tests that start `npm run dev` and drive analytics.js in Debian's Chromium
 *   (playwright-core), asserting on what reached the archive;
 * - `reliability`: Node tests that start their own `npm run dev` servers and put them under load,
 *   faults (consumer throws, flapping destinations, SIGKILL) and hostile input
 *   (`npm run test:reliability`, run by `.ci/run` after `npm test`).
 */
export default defineConfig(async () => {
  // The Worker imports the generated SDK bundle (not committed): build it here too, so a bare
  // `npx vitest run` on a fresh clone works without `npm test`'s pretest. Watch mode does not
  // rebuild it: rerun `npm run build:sdk` after editing src/sdk.
  await buildSdk({ log: () => {} });
  await buildConsole({ log: () => {} });
  await buildActions({ log: () => {} });
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "./workers/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test_admin_token",
                  PROFILE_TOKEN: "test_profile_token",
                  SECRETS_KEY: "test_secrets_key",
                  CORS_ORIGINS: "https://shop.example.com,https://*.example.org",
                  // Destination retries after 1, 2, 4… seconds, so retry tests take seconds.
                  DELIVERY_RETRY_FIRST_DELAY_SECONDS: "1",
                },
              },
            }),
          ],
          test: {
            name: "workerd",
            testTimeout: 30_000,
            include: ["src/**/*.test.ts", "test/integration/**/*.test.ts"],
            setupFiles: ["./test/support/workerd/apply-migrations.ts"],
            // A local HTTP receiver for destination and replay tests (test/support/receiver).
            globalSetup: ["./test/support/receiver/global-setup.ts"],
          },
        },
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
          },
        },
        {
          // Tests importing the Worker's validator (src/destinations/actions/framework) resolve what
          // it reads from Segment's framework as the Worker's bundle does.
          resolve: { alias: FRAMEWORK_MODULES },
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/e2e/support/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/browser/support/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
        {
          test: {
            name: "reliability",
            include: ["test/reliability/**/*.test.ts"],
            environment: "node",
            testTimeout: 300_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
