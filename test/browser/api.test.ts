import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  contextOf,
  drain,
  pageEventsAt,
  propertiesOf,
  readArchive,
  uniqueId,
  useBrowserSuite,
  waitForEvents,
  withProbe,
  type ArchivedEvent,
  type Tab,
} from "./support/harness";
import { snippetPage } from "./support/pages";
import { callSdk, fireSdk, readIdentity, waitForSdk, type SdkGroup } from "./support/sdk";

/** The ajs_* cookies the browser holds, for failure messages (Sluice's responses also set them). */
async function identityCookies(tab: Tab): Promise<string> {
  const cookies = await tab.context.cookies(tab.page.url());
  return JSON.stringify(Object.fromEntries(cookies.filter((cookie) => cookie.name.startsWith("ajs_")).map((cookie) => [cookie.name, cookie.value])));
}

/** Events of one visitor (each test has its own browser context, so its own anonymousId). */
const from = (anonymousId: string, type?: string) => (event: ArchivedEvent) => event.anonymousId === anonymousId && (type === undefined || event.type === type);

/**
 * The Segment API surface beyond track/page/identify basics: group, alias, page with category
 * and name, traits-only identify, screen, per-call options, and `integrations` switching the
 * Segment.io destination off. Judged on what the archive holds.
 */
describe("analytics.js API payloads", () => {
  const suite = useBrowserSuite("api");

  /** A snippet page for this test, loaded; returns the visitor's anonymousId. */
  async function open(name: string): Promise<Tab & { path: string; anonymousId: string }> {
    const tab = await suite.newTab();
    const path = `/${uniqueId(name)}/page`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: `API ${name}` }));
    await tab.page.goto(url);
    await waitForSdk(tab.page, tab.log);
    const { anonymousId } = await readIdentity(tab.page);
    expect(typeof anonymousId).toBe("string");
    return { ...tab, path, anonymousId: anonymousId! };
  }

  const readGroup = (page: Page) =>
    page.evaluate(() => {
      const group = window.analytics!.group() as SdkGroup;
      return { id: group.id() ?? null, traits: JSON.parse(JSON.stringify(group.traits() ?? {})) as Record<string, unknown> };
    });

  it('group("g1", traits): a group call with groupId and traits; analytics.group().id() is "g1"', async () => {
    const { page, log, anonymousId } = await open("group");

    await callSdk(page, "group", ["g1", { plan: "enterprise", seats: 12 }]);
    expect(await readGroup(page)).toEqual({ id: "g1", traits: { plan: "enterprise", seats: 12 } });

    const [group] = await waitForEvents(suite.source.id, from(anonymousId, "group"), { log, what: "the group call" });
    expect(group).toMatchObject({ type: "group", groupId: "g1", traits: { plan: "enterprise", seats: 12 } });
    expect(contextOf(group!).library?.name).toBe("sluice.js");
  });

  it('alias("new-id"): userId is the new id, previousId the current anonymousId, then the current userId once identified', async () => {
    const { page, log, anonymousId } = await open("alias");

    await callSdk(page, "alias", ["new-id"]);
    const [anonymousAlias] = await waitForEvents(suite.source.id, from(anonymousId, "alias"), { log, what: "the anonymous visitor's alias" });
    expect(anonymousAlias).toMatchObject({ type: "alias", userId: "new-id", previousId: anonymousId });

    const userId = uniqueId("known");
    const newId = uniqueId("renamed");
    await callSdk(page, "identify", [userId]);
    await callSdk(page, "alias", [newId]);
    const [identifiedAlias] = await waitForEvents(suite.source.id, (event) => event.type === "alias" && event.userId === newId, {
      log,
      what: "the identified visitor's alias",
    });
    expect(identifiedAlias).toMatchObject({ type: "alias", userId: newId, previousId: userId });
  });

  it("alias() does not change who the visitor is: user().id() and later events keep their ids", async () => {
    const tab = await open("alias-identity");
    const { page, log, anonymousId } = tab;

    await callSdk(page, "alias", ["aliased-id"]);
    // Wait for the alias to arrive, so its response (and any cookie it sets) is in.
    await waitForEvents(suite.source.id, from(anonymousId, "alias"), { log, what: "the alias" });
    const probe = uniqueId("after-alias");
    await fireSdk(page, "track", ["After Alias", { probe }]);
    const [after] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track after alias()" });

    expect(await readIdentity(page), `analytics.user() after alias(); cookies: ${await identityCookies(tab)}`).toMatchObject({
      userId: null,
      anonymousId,
    });
    expect(after!.userId ?? null, "userId of the track after alias()").toBeNull();
    expect(after!.anonymousId).toBe(anonymousId);
  });

  it('page("Docs", "Intro", {x: 1}): category, name, and properties with x and the page facts', async () => {
    const { page, log, path } = await open("page");
    const probe = uniqueId("page");

    await callSdk(page, "page", ["Docs", "Intro", { x: 1, probe }]);
    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the page call with category and name" });
    const url = page.url();
    expect(event).toMatchObject({ type: "page", category: "Docs", name: "Intro" });
    expect(propertiesOf(event!)).toMatchObject({ x: 1, path, url, title: "API page" });
    expect(contextOf(event!).page).toMatchObject({ path, url, title: "API page" });
  });

  it('identify({b: 2}) after identify("u1", {a: 1}) keeps userId "u1" and merges the traits', async () => {
    const { page, log, anonymousId } = await open("identify");

    await callSdk(page, "identify", ["u1", { a: 1 }]);
    await callSdk(page, "identify", [{ b: 2 }]);
    const identity = await readIdentity(page);
    expect(identity.userId).toBe("u1");
    expect(identity.traits).toEqual({ a: 1, b: 2 });

    const events = await waitForEvents(suite.source.id, from(anonymousId, "identify"), { count: 2, log, what: "both identify calls" });
    const traitsOnly = events.find((event) => (event.traits as Record<string, unknown> | undefined)?.b === 2);
    expect(traitsOnly, `the traits-only identify among ${JSON.stringify(events.map((event) => event.traits))}`).toBeDefined();
    expect(traitsOnly).toMatchObject({ type: "identify", userId: "u1", traits: { a: 1, b: 2 } });
    expect(events.find((event) => event !== traitsOnly)).toMatchObject({ userId: "u1", traits: { a: 1 } });
  });

  it('screen("Feed"): a screen call', async () => {
    const { page, log, anonymousId } = await open("screen");

    await callSdk(page, "screen", ["Feed", { probe: "screen" }]);
    const [event] = await waitForEvents(suite.source.id, from(anonymousId, "screen"), { log, what: "the screen call" });
    expect(event).toMatchObject({ type: "screen", name: "Feed", properties: { probe: "screen" } });
  });

  it("track options: context, timestamp, anonymousId and integrations are honoured", async () => {
    const { page, log } = await open("options");
    const probe = uniqueId("options");
    const timestamp = "2020-01-01T00:00:00.000Z";

    await callSdk(page, "track", [
      "With Options",
      { probe },
      { context: { custom: 1 }, timestamp, anonymousId: "override", integrations: { Mixpanel: false } },
    ]);
    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track with options" });
    expect(event).toMatchObject({ type: "track", event: "With Options", anonymousId: "override", originalTimestamp: timestamp });
    expect(contextOf(event!).custom).toBe(1);
    expect(contextOf(event!).library?.name, "the SDK's own context is kept beside the custom one").toBe("sluice.js");
    expect(event!.integrations).toEqual({ Mixpanel: false });
    // The server corrects the client's clock with sentAt: timestamp = receivedAt - (sentAt - the given timestamp).
    expect(typeof event!.sentAt).toBe("string");
    const clientSkew = Date.parse(event!.sentAt as string) - Date.parse(timestamp);
    expect(Date.parse(event!.timestamp), `timestamp ${event!.timestamp} derives from the given ${timestamp}`).toBe(Date.parse(event!.receivedAt) - clientSkew);
  });

  it("a per-call anonymousId applies to that call only: the visitor's anonymousId stays", async () => {
    const tab = await open("options-identity");
    const { page, log, anonymousId } = tab;
    const probe = uniqueId("override");

    await callSdk(page, "track", ["Overridden", { probe }, { anonymousId: "override-once" }]);
    const [overridden] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track with anonymousId override" });
    expect(overridden!.anonymousId).toBe("override-once");

    const next = uniqueId("next");
    await fireSdk(page, "track", ["Not Overridden", { probe: next }]);
    const [after] = await waitForEvents(suite.source.id, withProbe(next), { log, what: "the next track, without options" });
    expect(await readIdentity(page), `analytics.user() after the overridden call; cookies: ${await identityCookies(tab)}`).toMatchObject({
      anonymousId,
    });
    expect(after!.anonymousId, "anonymousId of the next track").toBe(anonymousId);
  });

  it('integrations {"Segment.io": false} or {All: false} keep a track out of the archive; {All: false, "Segment.io": true} sends it', async () => {
    const { page, log } = await open("integrations");
    const probe = uniqueId("integrations");

    // Each call still settles (callSdk fails on a promise that never does).
    await callSdk(page, "track", ["Not For Segment", { probe, n: 1 }, { integrations: { "Segment.io": false } }]);
    await callSdk(page, "track", ["Not For Anyone", { probe, n: 2 }, { integrations: { All: false } }]);
    await callSdk(page, "track", ["Only For Segment", { probe, n: 3 }, { integrations: { All: false, "Segment.io": true } }]);

    const [sent] = await waitForEvents(suite.source.id, (event) => withProbe(probe)(event) && propertiesOf(event).n === 3, {
      log,
      what: 'the track with {All: false, "Segment.io": true}',
    });
    expect(sent!.integrations).toEqual({ All: false, "Segment.io": true });
    await drain(page, suite.source.id, log);
    const arrived = (await readArchive({ sourceId: suite.source.id })).filter(withProbe(probe));
    expect(
      arrived.map((event) => propertiesOf(event).n),
      "only n = 3 reached the archive",
    ).toEqual([3]);
  });

  it('setAnonymousId("custom-anon"): user().anonymousId() returns it and the following events carry it', async () => {
    const { page, log, path } = await open("set-anonymous-id");
    // The snippet's page call went out with the generated id first.
    await waitForEvents(suite.source.id, pageEventsAt(path), { log, what: "the snippet's page call" });

    await callSdk(page, "setAnonymousId", ["custom-anon"]);
    expect((await readIdentity(page)).anonymousId).toBe("custom-anon");
    const probe = uniqueId("custom-anon");
    await fireSdk(page, "track", ["After Set Anonymous Id", { probe, n: 1 }]);
    await callSdk(page, "identify", [{ probe }]);
    await fireSdk(page, "track", ["After Set Anonymous Id", { probe, n: 2 }]);

    const tracks = await waitForEvents(suite.source.id, withProbe(probe), { count: 2, log, what: "the tracks after setAnonymousId()" });
    expect(tracks.map((event) => event.anonymousId)).toEqual(["custom-anon", "custom-anon"]);
    const [identify] = await waitForEvents(suite.source.id, from("custom-anon", "identify"), { log, what: "the identify after setAnonymousId()" });
    expect(identify).toMatchObject({ traits: { probe } });
    expect((await readIdentity(page)).anonymousId, "user().anonymousId() once the responses are in").toBe("custom-anon");
  });

  it("setAnonymousId() while an earlier batch is in flight: that batch's response does not bring the old id back", async () => {
    const tab = await suite.newTab();
    const { context, page, log } = tab;
    const path = `/${uniqueId("set-anonymous-id-inflight")}/page`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "API in flight" }));
    // Hold the first batch (the snippet's page call, with the generated id) until setAnonymousId() ran.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let batches = 0;
    await context.route("**/v1/batch", async (route) => {
      if (batches++ === 0) await released;
      await route.continue();
    });
    const firstBatch = page.waitForRequest((request) => request.url().endsWith("/v1/batch"), { timeout: 10_000 });

    await page.goto(url);
    await waitForSdk(page, log);
    const oldAnonymousId = (await readIdentity(page)).anonymousId!;
    const request = await firstBatch;
    await callSdk(page, "setAnonymousId", ["custom-anon-2"]);
    release();
    const response = await request.response();
    expect(response?.status(), `the held batch's answer\n${log.describe()}`).toBe(200);
    const [pageCall] = await waitForEvents(suite.source.id, pageEventsAt(path), { log, what: "the held page call" });
    expect(pageCall!.anonymousId).toBe(oldAnonymousId);

    expect((await readIdentity(page)).anonymousId, `user().anonymousId() after the old batch's response; cookies: ${await identityCookies(tab)}`).toBe(
      "custom-anon-2",
    );
    const probe = uniqueId("after-inflight");
    await fireSdk(page, "track", ["After In-Flight", { probe }]);
    const [track] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track after setAnonymousId()" });
    expect(track!.anonymousId).toBe("custom-anon-2");
  });
});
