/**
 * Source settings in the shape @segment/analytics-next fetches from
 * `<cdnURL>/v1/projects/<writeKey>/settings` (its `CDNSettings` type, read against 1.84.3), so
 * `AnalyticsBrowser.load({ writeKey, cdnURL: "https://data.example.com" })` works unchanged and
 * sends its events here:
 * - `apiHost` has no scheme: analytics-next prepends `protocol + "://"`;
 * - `metrics.sampleRate: 0` stops its telemetry to Segment's servers;
 * - no destinations, middleware or remote plugins: delivery happens server-side in Sluice.
 */
export function buildCdnSettings(writeKey: string, requestUrl: URL) {
  return {
    integrations: {
      "Segment.io": {
        apiKey: writeKey,
        apiHost: `${requestUrl.host}/v1`,
        protocol: requestUrl.protocol === "http:" ? ("http" as const) : ("https" as const),
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
        versionSettings: { version: "4.4.7", componentTypes: ["browser" as const] },
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}
