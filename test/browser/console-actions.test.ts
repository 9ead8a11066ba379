import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startReceiver, type Receiver } from "../support/receiver/receiver";
import { adminFetch, createSource, send, uniqueId, waitUntil, type Source } from "../e2e/support/sluice";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, openPage, signInToConsole, VIEWPORTS } from "./support/console";

/**
 * The catalog and an Actions destination in Chromium against `npm run dev`: find Segment's
 * Webhook (Actions) in the catalog, set it up with its generated form, add a mapping, refuse a
 * bad condition next to its field and fix it, preview the requests without script and live, and
 * see an event delivered as mapped (a real receiver on loopback); under the strict CSP, with
 * screenshots of each step at both sizes.
 */
describe("console catalog and Actions destinations in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let receiver: Receiver;
  let source: Source;

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await startReceiver(() => 200);
    source = await createSource(`Actions browser ${uniqueId("source")}`);
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  async function signedIn(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser!, viewport);
    await signInToConsole(opened.page, sluice);
    return opened;
  }

  for (const viewport of VIEWPORTS) {
    it(`catalog → setup → create → edit a mapping → preview the requests (${viewport.name}, ${viewport.width}×${viewport.height})`, async () => {
      const { page, errors } = await signedIn(viewport);
      const shot = (name: string, fullPage = true) => page.screenshot({ path: `${CONSOLE_ARTIFACTS}${name}-${viewport.name}.png`, fullPage });
      const hook = `/orders-${viewport.name}`;
      try {
        await Promise.all([page.waitForURL(`${sluice}/console/catalog`), page.click('nav >> text="Catalog"')]);
        await page.locator("h1", { hasText: "Catalog" }).waitFor();
        expect(await page.locator(".catalog > li").count()).toBe(48);
        await shot("catalog");

        // The filter is a GET form: it works without script.
        await page.fill('input[name="q"]', "webhook");
        await Promise.all([page.waitForURL(/\/console\/catalog\?q=webhook$/), page.press('input[name="q"]', "Enter")]);
        expect(await page.locator('p[role="status"]').textContent()).toContain("3 destinations match");
        await shot("catalog-filtered");

        await Promise.all([page.waitForURL(`${sluice}/console/catalog/webhook`), page.click('a[href="/console/catalog/webhook"]')]);
        await page.locator("h1", { hasText: "Set up Webhook" }).waitFor();
        expect(await page.locator("#setup-setting-sharedSecret").getAttribute("type")).toBe("password");
        await shot("catalog-setup");

        const name = `Orders hook ${viewport.name} ${Date.now()}`;
        await page.fill("#setup-name", name);
        await page.fill("#setup-setting-sharedSecret", "browser-hook-secret");
        await page.check(`input[name="sourceIds"][value="${source.id}"]`);
        await Promise.all([page.waitForURL(/\/console\/destinations\/[^/?#]+$/), page.click('button:has-text("Create destination")')]);
        await page.locator("h1", { hasText: name }).waitFor();
        expect(await page.content()).not.toContain("browser-hook-secret");
        expect(await page.locator("#mappings ~ .empty").textContent()).toContain("No mappings");
        await shot("actions-destination");

        // A new mapping starts from the action's defaults: give it a name, a condition and where to send.
        const editor = page.locator('form[action$="/mappings#mapping-editor"]');
        expect(await editor.locator("#mapping-mapping").inputValue()).toContain('"@path": "$."');
        await editor.locator("#mapping-name").fill("Orders");
        await editor.locator("#mapping-subscribe").fill('type = "track" and event = "Order Completed"');
        const mapping = { url: receiver.url(hook), method: "POST", data: { order: { "@path": "$.properties" }, messageId: { "@path": "$.messageId" } } };
        await editor.locator("#mapping-mapping").fill(JSON.stringify(mapping, null, 2));
        await Promise.all([page.waitForURL(/\?done=mapping-added#mappings$/), editor.locator('button[type="submit"]').click()]);
        expect(await page.locator("#mappings ~ .notice").textContent()).toContain("Mapping added");
        expect(await page.locator(".mappings li").textContent()).toContain('type = "track" and event = "Order Completed"');
        await shot("actions-mapping-added");
        await page.locator('section[aria-labelledby="mappings"]').screenshot({ path: `${CONSOLE_ARTIFACTS}actions-mappings-${viewport.name}.png` });

        // Edit it with a condition Segment's FQL parser refuses: the error shows next to it, the text kept.
        await Promise.all([page.waitForURL(/\?mapping=0#mapping-editor$/), page.click('a[aria-label="Edit Orders"]')]);
        await page.locator("h3", { hasText: "Change the mapping Orders" }).waitFor();
        await editor.locator("#mapping-subscribe").fill('type = "track" and (');
        await Promise.all([page.waitForURL(/\/mappings#mapping-editor$/), editor.locator('button[type="submit"]').click()]);
        const fieldError = page.locator("#mapping-subscribe-error");
        expect(await fieldError.textContent()).toMatch(/^Not a valid condition/);
        expect(await page.locator("#mapping-subscribe").getAttribute("aria-invalid")).toBe("true");
        expect(await page.locator("#mapping-subscribe").inputValue()).toBe('type = "track" and (');
        await shot("actions-mapping-error", false);
        await page.locator("#mapping-subscribe").fill('type = "track" and event = "Order Completed"');
        await page.locator("#mapping-name").fill("Orders to the receiver");
        await Promise.all([
          page.waitForURL(/\?done=mapping-saved#mappings$/),
          page.locator('form[action$="/mappings#mapping-editor"] button[type="submit"]').click(),
        ]);
        expect(await page.locator(".mappings li").textContent()).toContain("Orders to the receiver");

        // The preview without script: the page comes back with the requests.
        const preview = page.locator('form[action$="/requests#requests-result"]');
        const order = { type: "track", event: "Order Completed", userId: "u1", messageId: "m-browser", properties: { total: 42.5, currency: "EUR" } };
        await preview.locator('textarea[name="event"]').fill(JSON.stringify(order, null, 2));
        await Promise.all([page.waitForURL(/\/requests#requests-result$/), preview.locator('button[type="submit"]').click()]);
        const result = page.locator("#requests-result");
        expect(await result.textContent()).toContain("1 of 1 mapping matches this event");
        expect(await result.locator(".request-line").textContent()).toBe(`POST ${receiver.url(hook)}`);
        const sent = await result.locator("pre").textContent();
        expect(sent).toMatch(/x-signature: [0-9a-f]{40}/i);
        expect(sent).toContain('"total": 42.5');
        expect(receiver.requests.filter((request) => request.path === hook)).toEqual([]); // nothing was sent
        await shot("actions-preview");
        await page.locator('section[aria-labelledby="requests"]').screenshot({ path: `${CONSOLE_ARTIFACTS}actions-requests-${viewport.name}.png` });
        await shot("actions-preview-seen", false);

        // Live: as the event is typed, the requests follow (request-preview.js), without a page load.
        const url = page.url();
        await page.locator('form[action$="/requests#requests-result"] textarea[name="event"]').fill(JSON.stringify({ type: "page", name: "Home" }));
        await result.getByText("0 of 1 mapping matches this event").waitFor();
        expect(await result.textContent()).toContain("Not matched");
        expect(page.url()).toBe(url);
        await result.screenshot({ path: `${CONSOLE_ARTIFACTS}actions-live-preview-${viewport.name}.png` });

        // Delivered as mapped.
        const messageId = uniqueId("order");
        expect((await send("/v1/track", { ...order, messageId }, { writeKey: source.writeKey })).status).toBe(200);
        await waitUntil(
          `the order at ${hook}`,
          () => receiver.accepted(hook),
          (requests) => requests.length === 1,
          { timeoutMs: 30_000 },
        );
        expect(receiver.accepted(hook)[0]!.body).toEqual({ order: { total: 42.5, currency: "EUR" }, messageId });
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }

  it("the destination's settings form keeps a stored secret left blank and shows no secret", async () => {
    const response = await adminFetch("/api/v1/destinations", {
      method: "POST",
      body: JSON.stringify({
        name: "Amplitude (browser)",
        type: "actions:amplitude",
        settings: { apiKey: "amp-browser-key", secretKey: "amp-browser-secret" },
      }),
    });
    expect(response.status).toBe(201);
    const { destination } = (await response.json()) as { destination: { id: string } };
    const { page, errors } = await signedIn(VIEWPORTS[0]);
    try {
      await page.goto(`${sluice}/console/destinations/${encodeURIComponent(destination.id)}`);
      const edit = page.locator('form[action$="/settings#edit"]');
      expect(await edit.locator("#edit-setting-apiKey").inputValue()).toBe("");
      expect(await page.content()).not.toContain("amp-browser");
      await edit.locator("#edit-setting-endpoint").selectOption("europe");
      await Promise.all([page.waitForURL(/\?saved=1#edit$/), edit.locator('button[type="submit"]').click()]);
      expect(await page.locator("#edit ~ .notice").textContent()).toContain("Changes saved");
      await page.locator('section[aria-labelledby="edit"]').screenshot({ path: `${CONSOLE_ARTIFACTS}actions-settings-edit-desktop.png` });
      const read = await adminFetch(`/api/v1/destinations/${encodeURIComponent(destination.id)}`);
      expect(((await read.json()) as { destination: { settings: Record<string, unknown> } }).destination.settings).toMatchObject({
        apiKey: "********",
        secretKey: "********",
        endpoint: "europe",
      });
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}actions-settings-saved-desktop.png`, fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
