import type { BrowserContext, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getFromNode, startGate, type Gate } from "./support/gate";
import {
  countByMessageId,
  drain,
  pageEventsAt,
  propertiesOf,
  readArchive,
  uniqueId,
  useBrowserSuite,
  waitForEvents,
  withProbe,
  type ArchivedEvent,
} from "./support/harness";
import { plainPage, sdkUrl, snippetPage } from "./support/pages";
import { fireSdk, waitForSdk } from "./support/sdk";
import { waitUntil } from "../e2e/support/sluice";

/** The `n` property of each event, sorted. */
const numbers = (events: ArchivedEvent[]) => events.map((event) => propertiesOf(event).n as number).sort((a, b) => a - b);

/**
 * While offline, the page and the SDK bundle are answered from Node (Playwright routes work
 * offline), so the page can be reloaded; the bundle is fetched from Sluice with the gate's Host,
 * as the browser would have, so the SDK still sends through the (closed) gate.
 */
async function serveFromNodeWhileOffline(context: BrowserContext, pageUrl: string, bundleUrl: string, sluice: string): Promise<void> {
  const answer = (via?: string) => async (route: Route) => {
    const response = await getFromNode(route.request().url(), {
      via,
      headers: { cookie: (await route.request().headerValue("cookie")) ?? "" },
    });
    await route.fulfill({ status: response.status, contentType: response.contentType, body: response.body });
  };
  await context.route(pageUrl, answer());
  await context.route(bundleUrl, answer(sluice));
}

describe("delivery", () => {
  const suite = useBrowserSuite("delivery");

  // Sluice behind a switchable proxy: see support/gate.ts for why setOffline alone is not enough.
  let gate: Gate;
  beforeAll(async () => {
    gate = await startGate(inject("baseUrl"));
  });
  afterAll(async () => {
    await gate?.close();
  });

  it("offline, across a reload, then back online: every event arrives exactly once", async () => {
    const { context, page, log } = await suite.newTab();
    // A document answered by a Playwright route has no IP address, so Chromium counts it as
    // public and would refuse its requests to loopback (Local Network Access): allow them, as
    // the real page, served from loopback, is.
    await context.grantPermissions(["local-network-access"]);
    const path = `/${uniqueId("offline")}/cart`;
    const url = suite.pages.page(path, snippetPage(gate.origin, suite.source.writeKey, { title: "Cart" }));
    const probe = uniqueId("offline");
    /** The `n` of the offline tracks in the SDK's persisted send queue (what survives a reload). */
    const queuedNumbers = () =>
      page.evaluate(
        ({ key, probe }) =>
          (JSON.parse(localStorage.getItem(key) ?? "[]") as { properties?: { probe?: string; n?: number } }[])
            .filter((event) => event.properties?.probe === probe)
            .map((event) => event.properties!.n!)
            .sort((a, b) => a - b),
        { key: `sluice_queue:${suite.source.writeKey}`, probe },
      );

    await page.goto(url);
    await waitForSdk(page, log);
    await waitForEvents(suite.source.id, pageEventsAt(path), { log, what: "the first page call (online, through the gate)" });

    gate.down();
    await context.setOffline(true);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    for (let n = 1; n <= 3; n++) await fireSdk(page, "track", ["Offline Event", { probe, n }]);
    // The SDK keeps them in its persisted queue before the page goes away.
    await waitUntil("tracks 1-3 in the SDK's persisted queue", queuedNumbers, (n) => n.join() === "1,2,3");

    await serveFromNodeWhileOffline(context, url, sdkUrl(gate.origin, suite.source.writeKey), inject("baseUrl"));
    await page.reload();
    await waitForSdk(page, log);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    for (let n = 4; n <= 5; n++) await fireSdk(page, "track", ["Offline Event", { probe, n }]);
    await waitUntil("tracks 1-5 in the SDK's persisted queue, across the reload", queuedNumbers, (n) => n.join() === "1,2,3,4,5");

    // Harness check: nothing got through while offline.
    expect((await readArchive({ sourceId: suite.source.id })).filter(withProbe(probe))).toEqual([]);
    const droppedWhileOffline = [...gate.dropped];

    await context.unrouteAll();
    gate.up();
    await context.setOffline(false);
    const onlineAt = Date.now();
    await waitForEvents(suite.source.id, withProbe(probe), {
      until: (events) => new Set(numbers(events)).size === 5,
      timeoutMs: 30_000,
      log,
      what:
        `the 5 events tracked offline (n = 1..3 before a reload, 4..5 after it); ` +
        `requests the network dropped while offline: ${JSON.stringify(droppedWhileOffline)}`,
    }).catch(async (error: unknown) => {
      const arrived = numbers((await readArchive({ sourceId: suite.source.id })).filter(withProbe(probe)));
      const missing = [1, 2, 3, 4, 5].filter((n) => !arrived.includes(n));
      throw new Error(`offline events missing after reconnecting: n = ${JSON.stringify(missing)}\n${String(error)}`);
    });
    const deliverySeconds = (Date.now() - onlineAt) / 1000;

    await drain(page, suite.source.id, log);
    const all = await readArchive({ sourceId: suite.source.id });
    const offline = all.filter(withProbe(probe));
    expect(numbers(offline), `each offline event once (delivered ${deliverySeconds.toFixed(1)} s after reconnecting)`).toEqual([1, 2, 3, 4, 5]);
    const messageIds = offline.map((event) => event.messageId);
    expect(new Set(messageIds).size, "distinct messageIds").toBe(5);
    const counts = countByMessageId(all);
    expect(messageIds.map((id) => counts.get(id))).toEqual([1, 1, 1, 1, 1]);
    // The page call of the offline reload is delivered too, and each load's page call once.
    expect(all.filter(pageEventsAt(path)), "page calls: the online load and the offline reload").toHaveLength(2);
  });

  it("events tracked just before following a link arrive", async () => {
    const { page, log } = await suite.newTab();
    const dir = `/${uniqueId("link")}`;
    const from = suite.pages.page(
      `${dir}/product`,
      snippetPage(suite.sluice, suite.source.writeKey, { title: "Product", body: `<a id="checkout" href="${dir}/checkout">Checkout</a>` }),
    );
    // The next page has no analytics: only what left before the navigation can arrive.
    const to = suite.pages.page(`${dir}/checkout`, plainPage({ title: "Checkout" }));
    const probe = uniqueId("link");

    await page.goto(from);
    await waitForSdk(page, log);
    await page.evaluate((probe) => {
      for (let n = 1; n <= 3; n++) void Promise.resolve(window.analytics!.track("Checkout Clicked", { probe, n })).catch(() => undefined);
      document.getElementById("checkout")!.click();
    }, probe);
    await page.waitForURL(to);

    const events = await waitForEvents(suite.source.id, withProbe(probe), {
      until: (found) => new Set(numbers(found)).size === 3,
      log,
      what: "the 3 tracks fired just before the link navigation",
    });
    expect(new Set(events.map((event) => event.messageId)).size).toBe(events.length);
    expect(events.every((event) => event.event === "Checkout Clicked")).toBe(true);
  });

  it("events tracked just before location.href changes arrive", async () => {
    const { page, log } = await suite.newTab();
    const dir = `/${uniqueId("location")}`;
    const from = suite.pages.page(`${dir}/search`, snippetPage(suite.sluice, suite.source.writeKey, { title: "Search" }));
    const to = suite.pages.page(`${dir}/result`, plainPage({ title: "Result" }));
    const probe = uniqueId("location");

    await page.goto(from);
    await waitForSdk(page, log);
    await page.evaluate(
      ({ probe, to }) => {
        void Promise.resolve(window.analytics!.track("Result Chosen", { probe, n: 1 })).catch(() => undefined);
        location.href = to;
      },
      { probe, to },
    );
    await page.waitForURL(to);

    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track fired just before location.href" });
    expect(event).toMatchObject({ type: "track", event: "Result Chosen" });
  });
});
