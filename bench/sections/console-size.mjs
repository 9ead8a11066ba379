// Console JavaScript size: every page script the console serves (src/console/client/*.ts, built by
// scripts/build-console.mjs), minified and gzipped the way sdk-size.mjs measures the SDK. The
// total is what a browser downloads to run every live part of the console; the budget is
// 30 KB gzipped.
import { buildConsole } from "../../scripts/build-console.mjs";
import { log } from "../lib/stats.mjs";

export async function benchConsoleSize() {
  const scripts = await buildConsole({ log: () => {} });
  const files = Object.fromEntries(Object.entries(scripts).map(([name, { gzip }]) => [name, gzip]));
  const summary = {
    consoleJsRawBytes: Object.values(scripts).reduce((sum, { raw }) => sum + raw, 0),
    consoleJsGzipBytes: Object.values(scripts).reduce((sum, { gzip }) => sum + gzip, 0),
    consoleJsFiles: files,
  };
  log(`console: ${summary.consoleJsGzipBytes} bytes of JavaScript gzipped (${Object.keys(files).length} script(s))`);
  return summary;
}
