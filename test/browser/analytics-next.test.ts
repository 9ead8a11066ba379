import { beforeAll, describe, expect, it } from "vitest";
import { analyticsNextVersion, bundleAnalyticsNext } from "./support/analytics-next";
import { contextOf, uniqueId, useBrowserSuite, waitForEvents, withProbe } from "./support/harness";
import { plainPage } from "./support/pages";

/**
 * Segment's own browser library, @segment/analytics-next from npm, unchanged except for
 * `cdnURL`: it fetches its settings from Sluice (`GET /v1/projects/:writeKey/settings`) and sends
 * to the `apiHost` those settings name.
 */
describe("@segment/analytics-next in Chromium against Sluice", () => {
  const suite = useBrowserSuite("analytics-next");
  let bundleUrl: string;

  beforeAll(async () => {
    bundleUrl = suite.pages.asset("/vendor/analytics-next.js", "text/javascript; charset=utf-8", await bundleAnalyticsNext());
  });

  it("loads its settings from Sluice and delivers a track and a page, with its own library context", async () => {
    const { page, log } = await suite.newTab();
    const path = `/${uniqueId("analytics-next")}/home`;
    const { writeKey } = suite.source;
    const settingsUrl = `${suite.sluice}/v1/projects/${writeKey}/settings`;
    const head = `<script src="${bundleUrl}"></script>
<script>window.analyticsNext = AnalyticsNext.AnalyticsBrowser.load({ writeKey: ${JSON.stringify(writeKey)}, cdnURL: ${JSON.stringify(suite.sluice)} });</script>`;
    const url = suite.pages.page(path, plainPage({ title: "analytics-next", head }));

    const settingsResponse = page.waitForResponse(settingsUrl, { timeout: 15_000 }).catch(() => null);
    await page.goto(url);
    const settings = await settingsResponse;
    expect(settings, `analytics-next requested ${settingsUrl}\n${log.describe()}`).not.toBeNull();
    expect(settings!.status(), `GET ${settingsUrl}: ${await settings!.text().catch(() => "")}`).toBe(200);

    const probe = uniqueId("next");
    const sent = await page.evaluate(async (probe) => {
      const analytics = window.analyticsNext!;
      const within = <T>(promise: Promise<T>, what: string) =>
        Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within 15 s`)), 15_000))]);
      const track = await within(analytics.track("Next Track", { probe }), "analytics-next track()");
      const page = await within(analytics.page("Docs", "Next Page", { probe }), "analytics-next page()");
      return { track: track.event.messageId ?? null, page: page.event.messageId ?? null };
    }, probe);

    const events = await waitForEvents(suite.source.id, withProbe(probe), { count: 2, log, what: "analytics-next's track and page" });
    const track = events.find((event) => event.type === "track");
    const pageEvent = events.find((event) => event.type === "page");
    expect(track).toMatchObject({ event: "Next Track", messageId: sent.track });
    expect(pageEvent).toMatchObject({ category: "Docs", name: "Next Page", messageId: sent.page });
    for (const event of [track!, pageEvent!]) {
      expect(contextOf(event).library).toEqual({ name: "analytics.js", version: `npm:next-${analyticsNextVersion()}` });
      expect(contextOf(event).page).toMatchObject({ path, url, title: "analytics-next" });
      expect(typeof event.anonymousId).toBe("string");
    }
    expect(pageEvent!.anonymousId).toBe(track!.anonymousId);
  });
});
