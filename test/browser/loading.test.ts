import { describe, expect, it } from "vitest";
import { contextOf, drain, pageEventsAt, readArchive, uniqueId, useBrowserSuite, waitForEvents, withProbe } from "./support/harness";
import { plainPage, scriptTagPage, snippetPage } from "./support/pages";
import { readIdentity, waitForSdk } from "./support/sdk";

/**
 * Sluice's analytics.js loads the way Segment's does: through the official snippet with only the
 * host changed, or through a plain script tag, and sends exactly one page call per load.
 */
describe("loading analytics.js from Sluice", () => {
  const suite = useBrowserSuite("loading");

  it("official Segment snippet (host changed): the snippet's page call arrives once, from sluice.js, with the page's context", async () => {
    const { page, log } = await suite.newTab({
      locale: "de-DE",
      timezoneId: "Europe/Berlin",
      screen: { width: 1440, height: 900 },
      viewport: { width: 1200, height: 800 },
    });
    const dir = `/${uniqueId("snippet")}`;
    const path = `${dir}/pricing`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "Pricing | Snippet" }));
    const from = suite.pages.page(`${dir}/home`, plainPage({ title: "Home", body: `<a id="go" href="${path}?plan=team">Pricing</a>` }));

    // Arrive by a link, so the page has a referrer.
    await page.goto(from);
    await Promise.all([page.waitForURL(`${url}?plan=team`), page.click("#go")]);
    await waitForSdk(page, log);

    const [event] = await waitForEvents(suite.source.id, pageEventsAt(path), { log, what: "the snippet's page call" });
    const context = contextOf(event!);
    expect(event).toMatchObject({ type: "page" });
    expect(context.library?.name).toBe("sluice.js");
    expect(typeof context.library?.version).toBe("string");
    expect(context.page).toMatchObject({
      path,
      url: `${url}?plan=team`,
      search: "?plan=team",
      title: "Pricing | Snippet",
      referrer: from,
    });
    expect(context.userAgent).toBe(await page.evaluate(() => navigator.userAgent));
    expect(context.locale).toBe("de-DE");
    expect(context.timezone).toBe("Europe/Berlin");
    expect(context.screen).toMatchObject({ width: 1440, height: 900 });
    expect(typeof event!.messageId).toBe("string");
    expect(event!.messageId.length).toBeGreaterThan(0);
    const { anonymousId } = await readIdentity(page);
    expect(typeof anonymousId).toBe("string");
    expect(event!.anonymousId).toBe(anonymousId);

    await drain(page, suite.source.id, log);
    const pages = (await readArchive({ sourceId: suite.source.id })).filter(pageEventsAt(path));
    expect(pages, `page events for ${path}: exactly one (the snippet's analytics.page())\n${log.describe()}`).toHaveLength(1);
  });

  it("official Segment snippet: calls made before the SDK loads are replayed once, with their page context", async () => {
    const { page, log } = await suite.newTab();
    const path = `/${uniqueId("buffered")}/signup`;
    const probe = uniqueId("buffered");
    // Runs right after the snippet, while window.analytics is still the snippet's stub.
    const body = `<script>analytics.track("Buffered Before Load", { probe: "${probe}" });</script>`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "Sign up", body }));

    await page.goto(url);
    await waitForSdk(page, log);

    const [track] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track buffered by the snippet" });
    expect(track).toMatchObject({ type: "track", event: "Buffered Before Load" });
    expect(contextOf(track!).library?.name).toBe("sluice.js");
    expect(contextOf(track!).page).toMatchObject({ path, url, title: "Sign up" });

    await drain(page, suite.source.id, log);
    const all = await readArchive({ sourceId: suite.source.id });
    expect(all.filter(withProbe(probe)), "the buffered track, once").toHaveLength(1);
    expect(all.filter(pageEventsAt(path)), "the snippet's page call, once").toHaveLength(1);
  });

  it("plain script tag: analytics.js sends the automatic page call once and sets window.analytics", async () => {
    const { page, log } = await suite.newTab();
    const path = `/${uniqueId("script-tag")}/docs`;
    const url = suite.pages.page(path, scriptTagPage(suite.sluice, suite.source.writeKey, { title: "Docs | Script tag" }));

    await page.goto(url);
    await waitForSdk(page, log);
    expect(await page.evaluate(() => window.analytics?.initialized)).toBe(true);

    const [event] = await waitForEvents(suite.source.id, pageEventsAt(path), { log, what: "the automatic page call" });
    expect(event).toMatchObject({ type: "page" });
    expect(contextOf(event!).library?.name).toBe("sluice.js");
    expect(contextOf(event!).page).toMatchObject({ path, url, title: "Docs | Script tag", search: "" });
    expect(event!.anonymousId).toBe((await readIdentity(page)).anonymousId);

    await drain(page, suite.source.id, log);
    const pages = (await readArchive({ sourceId: suite.source.id })).filter(pageEventsAt(path));
    expect(pages, `page events for ${path}: exactly one (the automatic page call)\n${log.describe()}`).toHaveLength(1);
  });
});
