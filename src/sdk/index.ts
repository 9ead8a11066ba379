import { createAnalytics } from "./analytics";
import type { EmbeddedSettings, LoadOptions } from "./types";

/** Embedded by the edge when it serves the bundle: `(function(__sluice){…})(settings)`. */
declare const __sluice: EmbeddedSettings;

/**
 * Boot: take over the Segment snippet's stub (same global, `data-global-segment-analytics-key`
 * honoured), replay its queued calls in order, or send the automatic page call when loaded by a
 * plain script tag.
 */
const script = document.currentScript;
const globalKey = script?.getAttribute("data-global-segment-analytics-key") || "analytics";
const scope = window as any;
const stub = scope[globalKey];

if (!stub?.initialized) {
  const isSnippet = Array.isArray(stub);
  const options: LoadOptions = (isSnippet && (stub as { _loadOptions?: LoadOptions })._loadOptions) || {};
  const analytics: any = createAnalytics(__sluice, options);
  analytics.SNIPPET_VERSION = stub?.SNIPPET_VERSION;
  analytics._writeKey = __sluice.writeKey;
  scope[globalKey] = analytics;
  analytics.initialized = true;

  if (isSnippet) {
    for (const [method, ...args] of stub as [string, ...unknown[]][]) {
      if (typeof analytics[method] === "function") analytics[method](...args);
    }
  } else if (options.initialPageview !== false && script?.getAttribute("data-initial-pageview") !== "false") {
    void analytics.page();
  }
}
