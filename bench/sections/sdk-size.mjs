// Bundle size: Sluice's analytics.js against @segment/analytics-next's npm standalone build, both
// gzipped the same way in the same run. The served figure is the bundle as browsers get it from
// wrangler dev, with the source's settings embedded.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { buildSdk } from "../../scripts/build-sdk.mjs";
import { DEV } from "../lib/client.mjs";
import { log, round } from "../lib/stats.mjs";

const gzipBytes = (bytes) => gzipSync(bytes, { level: 9 }).length;

function analyticsNextStandalone() {
  const require = createRequire(import.meta.url);
  const main = require.resolve("@segment/analytics-next");
  const path = main.replace(/dist\/.*$/, "dist/umd/standalone.js");
  return readFileSync(path);
}

export async function benchSdkSize(baseUrl) {
  const built = await buildSdk({ log: () => {} });
  const response = await fetch(`${baseUrl}/analytics.js/v1/${DEV.writeKey}/analytics.min.js`);
  if (response.status !== 200) throw new Error(`GET analytics.min.js answered ${response.status}`);
  const served = Buffer.from(await response.arrayBuffer());
  const analyticsNext = analyticsNextStandalone();

  const summary = {
    sdkRawBytes: built.raw,
    sdkGzipBytes: built.gzip,
    sdkServedGzipBytes: gzipBytes(served),
    analyticsNextRawBytes: analyticsNext.length,
    analyticsNextGzipBytes: gzipBytes(analyticsNext),
  };
  summary.sdkVsAnalyticsNextRatio = round(summary.sdkServedGzipBytes / summary.analyticsNextGzipBytes, 3);
  log(`sdk: ${summary.sdkServedGzipBytes} bytes gzipped as served vs analytics-next ${summary.analyticsNextGzipBytes}`);
  return summary;
}
