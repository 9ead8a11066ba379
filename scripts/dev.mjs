#!/usr/bin/env node
// `npm run dev`: local Sluice on http://localhost:8787 (PORT to change it), every binding local
// (Miniflare), D1 migrated and seeded with the local-dev source and tokens of DESIGN.md.
// These defaults are passed to `wrangler dev` only; a deployed worker never sees them.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const DEV_DEFAULTS = {
  sourceId: "dev_website",
  sourceName: "Website",
  writeKey: "dev_write_key",
  adminToken: "dev_admin_token",
  profileToken: "dev_profile_token",
  spaceId: "default",
};

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const port = process.env.PORT ?? "8787";
// Tests run their own instance with its own state; everyone else shares .wrangler/state.
const persist = process.env.SLUICE_PERSIST_DIR ? ["--persist-to", process.env.SLUICE_PERSIST_DIR] : [];
// Another wrangler config instead of wrangler.toml (the bench's copy without queue consumers).
const config = process.env.SLUICE_WRANGLER_CONFIG ? ["--config", process.env.SLUICE_WRANGLER_CONFIG] : [];
const quietEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };

function run(args) {
  const result = spawnSync(process.execPath, [wrangler, ...args], { cwd: root, stdio: "inherit", env: quietEnv });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** SLUICE_DEV_VARS='{"NAME":"value"}' overrides vars for this run (the test suites use it). */
function extraVars() {
  const vars = JSON.parse(process.env.SLUICE_DEV_VARS ?? "{}");
  return Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
}

const d = DEV_DEFAULTS;
run(["d1", "migrations", "apply", "DB", "--local", ...config, ...persist]);
run([
  "d1",
  "execute",
  "DB",
  "--local",
  ...config,
  ...persist,
  "--command",
  `INSERT OR IGNORE INTO sources (id, name, write_key, enabled, created_at, updated_at)
   VALUES ('${d.sourceId}', '${d.sourceName}', '${d.writeKey}', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
]);

const dev = spawn(
  process.execPath,
  [
    wrangler,
    "dev",
    ...config,
    "--port",
    port,
    "--ip",
    process.env.HOST ?? "localhost",
    ...persist,
    "--show-interactive-dev-session=false",
    "--var",
    `ADMIN_TOKEN:${d.adminToken}`,
    "--var",
    `PROFILE_TOKEN:${d.profileToken}`,
    "--var",
    `SPACE_ID:${d.spaceId}`,
    // Local dev only: seals OAuth tokens in the local D1 (a deployment sets its own secret).
    "--var",
    "SECRETS_KEY:dev_secrets_key",
    "--var",
    "CORS_ORIGINS:http://localhost:*,http://127.0.0.1:*",
    // A failing local destination is retried after 1, 2, 4… s, not 10, 20, 40…: watchable.
    "--var",
    "DELIVERY_RETRY_FIRST_DELAY_SECONDS:1",
    ...extraVars(),
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
