import type { CDNSettings } from "@segment/analytics-next";
import { describe, expect, it } from "vitest";
import { buildCdnSettings } from "./cdn-settings";

describe("analytics-next settings", () => {
  it("points Segment.io at this host without a scheme, and keeps metrics off", () => {
    const { middlewareSettings, ...rest } = buildCdnSettings("wk", new URL("https://data.example.com/v1/projects/wk/settings"));
    // Typed against analytics-next's own CDNSettings, so a shape it would reject fails typecheck.
    // Except middlewareSettings: its type wants routingRules, but Segment's CDN sends `{}` for a
    // source without routing rules and its code reads `middlewareSettings?.routingRules?.length`.
    const settings: CDNSettings = rest;
    expect(middlewareSettings).toEqual({});
    expect(settings.integrations["Segment.io"]).toMatchObject({ apiKey: "wk", apiHost: "data.example.com/v1", protocol: "https" });
    expect(settings.metrics).toEqual({ sampleRate: 0 });
    expect(settings.remotePlugins).toEqual([]);
    expect(Object.keys(settings.integrations)).toEqual(["Segment.io"]);
  });

  it("keeps the port and says http in local dev", () => {
    const settings = buildCdnSettings("wk", new URL("http://localhost:8787/v1/projects/wk/settings"));
    expect(settings.integrations["Segment.io"]).toMatchObject({ apiHost: "localhost:8787/v1", protocol: "http" });
  });
});
