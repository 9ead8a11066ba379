#!/usr/bin/env node
// Writes the bench report (bench/lib/report.mjs) as files: report.md and one SVG per chart, side
// by side in bench-results/ (git-ignored). `npm run bench` calls writeReport after printing its
// summary; run alone it re-renders a saved summary:
//
//   npm run bench | tee bench.txt;  npm run bench:report < bench.txt
//   node bench/report.mjs bench.txt --out /tmp/report
//
// The input is the summary JSON or a whole bench stdout, whose last JSON line is the summary.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReport } from "./lib/report.mjs";

export const DEFAULT_REPORT_DIR = fileURLToPath(new URL("../bench-results/", import.meta.url));

/** Writes report.md and its charts into `dir`; returns the report's path. */
export function writeReport(summary, dir = DEFAULT_REPORT_DIR) {
  const { markdown, charts } = renderReport(summary);
  mkdirSync(dir, { recursive: true });
  for (const [name, svg] of Object.entries(charts)) writeFileSync(join(dir, name), svg);
  const path = join(dir, "report.md");
  writeFileSync(path, markdown);
  return path;
}

/** The summary in `text`: its last line that is a JSON object. */
export function parseSummary(text) {
  const lines = text.split("\n").map((line) => line.trim());
  for (const line of lines.reverse()) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line);
    } catch {
      /* a progress line that happens to start with a brace: keep looking */
    }
  }
  throw new Error("no JSON summary line found (expected the last line of `npm run bench`)");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const dir = outAt >= 0 ? args.splice(outAt, 2)[1] : DEFAULT_REPORT_DIR;
  try {
    const text = readFileSync(args[0] ?? 0, "utf8");
    console.error(`[bench] report written to ${writeReport(parseSummary(text), dir)}`);
  } catch (error) {
    console.error(`[bench] report: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
