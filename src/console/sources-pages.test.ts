import { describe, expect, it } from "vitest";
import { emptyDeliveryMetrics, type DeliveryMetrics } from "../destinations/delivery-stats";
import { OverviewPage } from "./overview-page";
import { emptyMinuteSeries, MINUTES_SHOWN } from "../activity/minutes";
import { activityFromRows, bucketKeys, emptyActivity, pageOf } from "./source-activity";
import { snippetFor } from "./snippet";
import { SourcePage, SourcesPage } from "./sources-pages";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const viewer = { subject: "admin", csrfToken: "tok" };
const NOW = new Date("2026-11-30T12:34:56Z");
const source = { id: "src_1", name: hostile, writeKey: "wk_abc", enabled: true };
const metrics = (overrides: Partial<DeliveryMetrics> = {}): DeliveryMetrics => ({ ...emptyDeliveryMetrics(), ...overrides });

describe("source activity (hourly and daily buckets of schema_event_counts)", () => {
  it("the last 24 UTC hours and 7 UTC days, oldest first, ending with the current ones", () => {
    const { hours, days } = bucketKeys(NOW);
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe("h:2026-11-29T13");
    expect(hours[23]).toBe("h:2026-11-30T12");
    expect(days).toEqual(["d:2026-11-24", "d:2026-11-25", "d:2026-11-26", "d:2026-11-27", "d:2026-11-28", "d:2026-11-29", "d:2026-11-30"]);
  });

  it("sums rows into each source's series; buckets outside the window are ignored", () => {
    const activity = activityFromRows(
      [
        { source_id: "a", bucket: "h:2026-11-30T12", count: 5 },
        { source_id: "a", bucket: "h:2026-11-29T13", count: 2 },
        { source_id: "a", bucket: "h:2026-11-29T12", count: 100 },
        { source_id: "a", bucket: "d:2026-11-30", count: 7 },
        { source_id: "a", bucket: "d:2026-11-23", count: 100 },
        { source_id: "b", bucket: "d:2026-11-24", count: 3 },
      ],
      NOW,
    );
    expect(activity.get("a")!.hourly[23]).toBe(5);
    expect(activity.get("a")!.hourly[0]).toBe(2);
    expect(activity.get("a")!.hourly.reduce((x, y) => x + y)).toBe(7);
    expect(activity.get("a")!.daily).toEqual([0, 0, 0, 0, 0, 0, 7]);
    expect(activity.get("b")!.daily).toEqual([3, 0, 0, 0, 0, 0, 0]);
  });

  it("pages clamp to the pages there are", () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    expect(pageOf(items, 2, 25)).toEqual({ items: [25, 26, 27, 28, 29], page: 2, pages: 2 });
    expect(pageOf(items, 9, 25).page).toBe(2);
    expect(pageOf(items, Number.NaN, 25).page).toBe(1);
    expect(pageOf([], 1, 25)).toEqual({ items: [], page: 1, pages: 1 });
  });
});

describe("the snippet", () => {
  it("is Segment's snippet loading from this host, with the write key filled in", () => {
    const snippet = snippetFor("https://data.example.com", "wk_abc");
    expect(snippet).toContain('t.src="https://data.example.com/analytics.js/v1/" + key + "/analytics.min.js"');
    expect(snippet).toContain('analytics.load("wk_abc");');
    expect(snippet).toContain('analytics.SNIPPET_VERSION="5.2.0"');
    expect(snippet).not.toContain("cdn.segment.com");
    expect(snippet).not.toContain("YOUR_WRITE_KEY");
  });

  it("loads from the script alias when there is one", () => {
    expect(snippetFor("https://data.example.com", "wk_abc", "site-assets")).toContain('t.src="https://data.example.com/s/site-assets.js"');
  });
});

describe("sources pages", () => {
  it("the list: names escaped, the write key in a read-only input, both sparklines, a create form with the CSRF field", async () => {
    const activity = { hourly: [...emptyActivity().hourly.slice(1), 4], daily: [1, 0, 0, 0, 0, 0, 4] };
    const html = await render(SourcesPage({ ...viewer, rows: [{ source, activity }], page: 1, pageSize: 25, total: 1 }));
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script");
    expect(html).toMatch(/<input class="key" id="key-src_1" type="text" readonly="" value="wk_abc"/);
    expect(html).toContain('<a href="/console/sources/src_1">');
    expect(html.match(/<svg class="sparkline"/g)).toHaveLength(2);
    expect(html).toContain("events per hour over the last 24 hours: 4 events");
    expect(html).toContain("events per day over the last 7 days: 5 events");
    expect(html).toContain('<form method="post" action="/console/sources"');
    expect(html).toContain('<input type="hidden" name="csrf" value="tok"/>');
    expect(html).not.toContain("No sources yet");
    expect(html).not.toContain('aria-label="Pages"');
  });

  it("the empty list says to create a source; an error keeps what was typed", async () => {
    const html = await render(SourcesPage({ ...viewer, rows: [], page: 1, pageSize: 25, total: 0, error: "Enter a name.", name: hostile }));
    expect(html).toContain("No sources yet.");
    expect(html).toContain('role="alert">Enter a name.</p>');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"');
    expect(html).not.toContain("<table");
  });

  it("a long list pages", async () => {
    const html = await render(SourcesPage({ ...viewer, rows: [{ source, activity: emptyActivity() }], page: 2, pageSize: 25, total: 60 }));
    expect(html).toContain('href="/console/sources?page=1" rel="prev"');
    expect(html).toContain('href="/console/sources?page=3" rel="next"');
    expect(html).toContain("26–50 of 60 sources");
  });

  it("a source: write key, the snippet as text, alias and enable forms with CSRF, the debugger link", async () => {
    const html = await render(SourcePage({ ...viewer, source, activity: emptyActivity(), origin: "https://data.example.com" }));
    // The only script is the Worker's own copy script; the buttons stay hidden until it runs.
    expect(html.match(/<script/g)).toEqual(["<script"]);
    expect(html).toContain('<script type="module" src="/console/assets/copy.js"></script>');
    expect(html).toContain('<button type="button" class="secondary small" data-copy="snippet-text" hidden="">Copy snippet</button>');
    expect(html).toContain('data-copy="write-key-value"');
    expect(html).toContain("&lt;script&gt;\n  !function(){");
    expect(html).toContain("https://data.example.com/analytics.js/v1/");
    expect(html).toContain('href="/console/sources/src_1/debugger"');
    expect(html).toContain('action="/console/sources/src_1/alias"');
    expect(html).toContain('<input type="hidden" name="enabled" value="false"/>');
    expect(html).toContain("Disable source");
    expect(html.match(/name="csrf" value="tok"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain("No events yet.");
    expect(html).not.toContain("Remove alias");
  });

  it("a disabled source with an alias offers enable and remove; an alias error keeps what was typed", async () => {
    const html = await render(
      SourcePage({
        ...viewer,
        source: { ...source, enabled: false, scriptAlias: "site-assets" },
        activity: emptyActivity(),
        origin: "https://data.example.com",
        aliasError: "taken",
        alias: `"><b>`,
      }),
    );
    expect(html).toContain("Enable source");
    expect(html).toContain("Remove alias");
    expect(html).toContain("https://data.example.com/s/site-assets.js");
    expect(html).toContain('value="&quot;&gt;&lt;b&gt;"');
    expect(html).toContain('role="alert">taken</p>');
  });
});

describe("overview page", () => {
  const destination = { id: "d1", name: hostile, type: "webhook", enabled: true, sourceIds: [], settings: {}, consentCategories: [] };

  it("empty: says to create a source and add a destination", async () => {
    const html = await render(OverviewPage({ ...viewer, sources: [], page: 1, pageSize: 12, total: 0, destinations: [] }));
    expect(html).toContain("No sources yet.");
    expect(html).toContain('<a href="/console/sources">Create a source</a>');
    expect(html).toContain("No destinations yet.");
    expect(html).toContain('<a href="/console" aria-current="page">Overview</a>');
    expect(html).toContain('<a href="/console/sources">Sources</a>');
  });

  it("per source, a column chart of the counts per minute over 24 hours; delivery health escaped", async () => {
    const minutes = emptyMinuteSeries();
    minutes[0] = 5;
    minutes[MINUTES_SHOWN - 2] = 10;
    minutes[MINUTES_SHOWN - 1] = 7;
    const html = await render(
      OverviewPage({
        ...viewer,
        sources: [{ source, minutes }],
        page: 1,
        pageSize: 12,
        total: 1,
        destinations: [{ destination, metrics: metrics({ delivered: 90, failed: 10, p95LatencyMs: 123.4 }) }],
      }),
    );
    expect(html).toContain("Events per minute over the last 24 hours");
    const columns = /<path d="([^"]*)"/.exec(html)![1]!.match(/M[\d.]+ 80V[\d.]+/g);
    expect(columns).toEqual(["M0.5 80V41.0", `M${MINUTES_SHOWN - 1.5} 80V2.0`, `M${MINUTES_SHOWN - 0.5} 80V25.4`]); // idle minutes draw nothing
    expect(html).toContain("22 events, at most 10 in one minute");
    expect(html).toContain("22 in 24 h · 17 in the last hour");
    expect(html).toContain('<span class="pill pill-bad">Failing (10% failed)</span>');
    expect(html).toContain("123 ms");
    expect(html).not.toContain("<script");
  });

  it("a source without events in 24 hours says to send one", async () => {
    const html = await render(
      OverviewPage({ ...viewer, sources: [{ source, minutes: emptyMinuteSeries() }], page: 2, pageSize: 12, total: 13, destinations: [], moreDestinations: 3 }),
    );
    expect(html).toContain("No events in the last 24 hours. Send a first event");
    expect(html).not.toContain("<svg");
    expect(html).toContain('href="/console?page=1" rel="prev"');
    expect(html).toContain("3 more destinations are not shown");
  });
});
