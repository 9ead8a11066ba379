#!/usr/bin/env node
// Bundles Segment's Actions framework (@segment/actions-core) and its destinations
// (@segment/action-destinations) into src/destinations/actions/framework/segment-actions.bundle.cjs,
// which the Worker imports. Two modules are swapped for Workers-safe ones on the way:
// - actions-core's schema-validation (ajv compiles schemas with `new Function`, which Workers
//   forbid) becomes src/destinations/actions/framework/validate-schema.ts;
// - `cross-fetch` becomes src/destinations/actions/framework/fetch-shim.ts, so every request an
//   action makes goes through the fetcher of the delivery it runs in.
// Each destination is a lazily evaluated module: the Worker pays for evaluating one only when a
// destination of that type delivers or the catalog is read.
//
// Which destinations: every one that runs over HTTP in a Worker (DEFAULT below), or the
// comma-separated slugs in SLUICE_ACTIONS (`SLUICE_ACTIONS=amplitude,mixpanel` for a smaller
// Worker). EXCLUDED says why the others are left out.
//
// Not committed; built by the npm pre-scripts, wrangler's [build] and vitest.config.ts, like the SDK.
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { writeIfChanged } from "./write-if-changed.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUTPUT = "src/destinations/actions/framework/segment-actions.bundle.cjs";
const FRAMEWORK = join(ROOT, "src/destinations/actions/framework");
const require = createRequire(join(ROOT, "package.json"));
const DESTINATIONS_DIR = join(ROOT, "node_modules/@segment/action-destinations/dist/destinations");
// Resolved from its CommonJS entry: the package exports no package.json.
const ACTIONS_CORE_DIR = join(dirname(require.resolve("@segment/actions-core")), "../..");

/** Destinations left out of the Worker, and why. */
export const EXCLUDED = {
  "aws-kinesis": "needs the AWS SDK's Node HTTP stack",
  "aws-s3": "needs the AWS SDK's Node HTTP stack",
  s3: "needs the AWS SDK's Node HTTP stack",
  "acoustic-s3tc": "needs the AWS SDK's Node HTTP stack",
  "amazon-eventbridge": "needs the AWS SDK's Node HTTP stack",
  "the-trade-desk-crm": "needs the AWS SDK's Node HTTP stack",
  kafka: "speaks Kafka over raw TCP (kafkajs)",
  sftp: "speaks SFTP over raw TCP (ssh2)",
  "liveramp-audiences": "uploads over SFTP (ssh2)",
  "salesforce-marketing-cloud": "requires a module the package does not ship (xml-js)",
  "engage-messaging-sendgrid": "Segment Engage's internal messaging, not a customer destination",
  "engage-messaging-twilio": "Segment Engage's internal messaging, not a customer destination",
  example: "the package's template, not a destination",
  noop: "does nothing by design",
  "google-sheets-dev": "a development copy of google-sheets",
  "tiktok-conversions-sandbox": "a sandbox copy of tiktok-conversions",
  "tiktok-offline-conversions-sandbox": "a sandbox copy of tiktok-offline-conversions",
  "memora-internal": "an internal copy of memora",
};

export function defaultSlugs() {
  return readdirSync(DESTINATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !(entry.name in EXCLUDED))
    .map((entry) => entry.name)
    .sort();
}

function chosenSlugs() {
  const wanted = process.env.SLUICE_ACTIONS?.trim();
  if (!wanted) return defaultSlugs();
  const known = new Set(defaultSlugs());
  const slugs = wanted.split(",").map((slug) => slug.trim());
  const unknown = slugs.filter((slug) => !known.has(slug));
  if (unknown.length > 0) throw new Error(`SLUICE_ACTIONS names destinations this build cannot run: ${unknown.join(", ")}`);
  return [...new Set(slugs)].sort();
}

/**
 * The modules src/destinations/actions/framework/validate-schema.ts reads from the framework's own
 * copies: arrify is not in actions-core's package exports, and actions-core's ajv-formats (2.x, whose
 * date-time and ipv4 differ) is not the one at the top of node_modules. vitest.config.ts resolves
 * them the same way, so tests check what the Worker runs.
 */
export const FRAMEWORK_MODULES = {
  "@segment/actions-core/dist/cjs/arrify": join(ACTIONS_CORE_DIR, "dist/cjs/arrify.js"),
  "ajv-formats/dist/formats": createRequire(join(ACTIONS_CORE_DIR, "package.json")).resolve("ajv-formats/dist/formats"),
};

/** Swaps the framework's ajv validation and cross-fetch for the Workers-safe modules. */
const workersSafe = {
  name: "sluice-actions-workers-safe",
  setup(build) {
    build.onResolve({ filter: /^cross-fetch$/ }, () => ({ path: join(FRAMEWORK, "fetch-shim.ts") }));
    build.onResolve({ filter: /schema-validation$/ }, (args) =>
      args.importer.startsWith(ACTIONS_CORE_DIR) ? { path: join(FRAMEWORK, "validate-schema.ts") } : undefined,
    );
    // The swapped module reads arrify and the formats from the framework's own copies.
    build.onResolve({ filter: /^(@segment\/actions-core\/dist\/cjs\/arrify|ajv-formats\/dist\/formats)$/ }, (args) =>
      args.importer.startsWith(FRAMEWORK) ? { path: FRAMEWORK_MODULES[args.path] } : undefined,
    );
  },
};

function entrySource(slugs) {
  const loaders = slugs.map((slug) => `  ${JSON.stringify(slug)}: () => require(${JSON.stringify(join(DESTINATIONS_DIR, slug))}).default,`);
  return [
    `const core = require("@segment/actions-core");`,
    `const { runWithFetch } = require(${JSON.stringify(join(FRAMEWORK, "fetch-shim.ts"))});`,
    `exports.Destination = core.Destination;`,
    `exports.transform = core.transform;`,
    `exports.subscriptions = require("@segment/destination-subscriptions");`,
    `exports.runWithFetch = runWithFetch;`,
    `exports.destinations = {`,
    ...loaders,
    `};`,
  ].join("\n");
}

/** Bundles the framework and destinations and writes the generated module; returns its sizes. */
export async function buildActions({ log = (line) => console.log(line) } = {}) {
  const slugs = chosenSlugs();
  const result = await build({
    absWorkingDir: ROOT,
    stdin: { contents: entrySource(slugs), resolveDir: ROOT, loader: "js", sourcefile: "segment-actions-entry.cjs" },
    bundle: true,
    minify: true,
    format: "cjs",
    platform: "node",
    target: "es2022",
    legalComments: "none",
    write: false,
    logLevel: "silent",
    plugins: [workersSafe],
  });
  const code = result.outputFiles[0].text;
  const header = `// Generated by scripts/build-actions.mjs from @segment/action-destinations (MIT); do not edit.\n`;
  const wrote = writeIfChanged(join(ROOT, OUTPUT), header + code);
  const sizes = { destinations: slugs.length, bytes: code.length, gzipBytes: gzipSync(code).length };
  if (wrote)
    log(`actions: ${sizes.destinations} destinations, ${(sizes.bytes / 1e6).toFixed(2)} MB (${(sizes.gzipBytes / 1e6).toFixed(2)} MB gzip) → ${OUTPUT}`);
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildActions();
