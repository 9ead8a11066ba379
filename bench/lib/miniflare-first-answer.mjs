#!/usr/bin/env node
// Run by bench/lib/worker-bundle.mjs in a process of its own, so the CPU time of this process and
// the workerd it starts can be read from outside: starts a Worker module in a fresh Miniflare (one
// workerd process), asks it GET /health once, and prints the milliseconds to that first answer.
//
//   node bench/lib/miniflare-first-answer.mjs <module.js | "empty"> <compatibility JSON>
import { readFileSync } from "node:fs";
import { Miniflare, NoOpLog } from "miniflare";

const EMPTY_WORKER = `export default { fetch: () => new Response("ok") };`;
const [path, compatibility] = process.argv.slice(2);
const code = path === "empty" ? EMPTY_WORKER : readFileSync(path, "utf8");

let stdio = "";
const collect = (stream) => stream.on("data", (chunk) => (stdio += chunk));
const started = performance.now();
// The module is handed over as text, so Miniflare does not parse it to find its imports.
const miniflare = new Miniflare({
  ...JSON.parse(compatibility),
  modules: [{ type: "ESModule", path: "/worker/index.js", contents: code }],
  modulesRoot: "/worker",
  log: new NoOpLog(),
  handleRuntimeStdio: (stdout, stderr) => {
    collect(stdout);
    collect(stderr);
  },
});
try {
  const response = await miniflare.dispatchFetch("http://localhost/health");
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET /health answered ${response.status} in Miniflare\n${stdio}`);
  process.stdout.write(`${JSON.stringify({ firstAnswerMs: performance.now() - started })}\n`);
} finally {
  await miniflare.dispose();
}
