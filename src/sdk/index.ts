import { createAnalytics, type Analytics } from "./analytics";
import type { EmbeddedSettings, LoadOptions } from "./types";

/** Embedded by the edge when it serves the bundle: `(function(__sluice){…})(settings)`. */
declare const __sluice: EmbeddedSettings;

/** What the page may hold at the global: the snippet's stub (an array of queued calls) or a loaded SDK. */
type Global = {
  initialized?: boolean;
  SNIPPET_VERSION?: string;
  _loadOptions?: LoadOptions;
};
type QueuedCalls = [method: string, ...args: unknown[]][];

/**
 * Boot: take over the Segment snippet's stub (same global, `data-global-segment-analytics-key`
 * honoured), replay its queued calls in order, or send the automatic page call when loaded by a
 * plain script tag.
 */
const script = document.currentScript;
const globalKey = script?.getAttribute("data-global-segment-analytics-key") || "analytics";
const scope = window as unknown as Record<string, Global | undefined>;
const stub = scope[globalKey] || {};

if (!stub.initialized) {
  const isSnippet = Array.isArray(stub);
  const options: LoadOptions = (isSnippet && stub._loadOptions) || {};
  const analytics: Analytics & Global & { _writeKey?: string } = createAnalytics(__sluice, options);
  analytics.SNIPPET_VERSION = stub.SNIPPET_VERSION;
  analytics._writeKey = __sluice.writeKey;
  scope[globalKey] = analytics;
  analytics.initialized = true;

  if (isSnippet) {
    // Replayed as the page made them: any method name, any arguments.
    for (const [method, ...args] of stub as QueuedCalls) {
      const fn = (analytics as Record<string, unknown>)[method];
      if (typeof fn === "function") fn.apply(analytics, args);
    }
  } else if (options.initialPageview !== false && script?.getAttribute("data-initial-pageview") !== "false") {
    void analytics.page();
  }
}
