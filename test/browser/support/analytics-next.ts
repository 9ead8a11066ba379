import { build } from "esbuild";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * The real @segment/analytics-next from node_modules, bundled for the page as it would be by a
 * site's own build: a script that defines `window.AnalyticsNext.AnalyticsBrowser`. (Its UMD
 * `standalone.js` is no use here: it finds its CDN only from an `https://` script URL and loads
 * its chunks from that CDN.)
 */
export async function bundleAnalyticsNext(): Promise<string> {
  const result = await build({
    stdin: { contents: 'export { AnalyticsBrowser } from "@segment/analytics-next";', resolveDir: REPO_ROOT, loader: "js" },
    bundle: true,
    format: "iife",
    globalName: "AnalyticsNext",
    platform: "browser",
    target: "es2020",
    write: false,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no bundle for @segment/analytics-next");
  return output.text;
}

/** The version the bundle reports in `context.library.version`. */
export function analyticsNextVersion(): string {
  return (createRequire(import.meta.url)("@segment/analytics-next/package.json") as { version: string }).version;
}
