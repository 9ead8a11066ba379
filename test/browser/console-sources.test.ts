import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, DEV_ADMIN_TOKEN, openPage, VIEWPORTS } from "./support/console";

/**
 * The Sources section in Chromium against `npm run dev`: create a source from the keyboard, see
 * its write key and ready-to-paste snippet, the list and the overview; no page wider than the
 * viewport, no error (a CSP violation would be one).
 */
describe("console sources in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const open = (viewport: { width: number; height: number }) => openPage(browser!, viewport, { failedLoads: true });

  /** The page fits the viewport's width: nothing to scroll sideways (tables scroll in their own box). */
  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  for (const viewport of VIEWPORTS) {
    it(`creates a source and shows its write key and snippet (${viewport.name}, ${viewport.width}×${viewport.height})`, async () => {
      const { page, errors } = await open(viewport);
      try {
        await page.goto(`${sluice}/console`);
        await page.fill('input[name="token"]', DEV_ADMIN_TOKEN);
        await Promise.all([page.waitForURL(`${sluice}/console`), page.press('input[name="token"]', "Enter")]);

        await Promise.all([page.waitForURL(`${sluice}/console/sources`), page.click('nav a:text-is("Sources")')]);
        await page.locator("h1", { hasText: "Sources" }).waitFor();

        // From the keyboard: focus the name field, type, Enter.
        const name = `Browser ${viewport.name} ${Date.now().toString(36)}`;
        await page.focus("#source-name");
        await page.keyboard.type(name);
        await Promise.all([page.waitForURL(/\/console\/sources\/[A-Za-z0-9]{22}$/), page.keyboard.press("Enter")]);
        await page.locator("h1", { hasText: name }).waitFor();

        const writeKey = await page.inputValue("#write-key-value");
        expect(writeKey).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(await page.getAttribute("#write-key-value", "readonly")).not.toBeNull();
        const snippet = (await page.locator("pre.snippet").textContent()) ?? "";
        expect(snippet).toContain(`analytics.load("${writeKey}");`);
        expect(snippet).toContain(`${sluice}/analytics.js/v1/`);
        expect(await page.locator('a[href$="/debugger"]').count()).toBeGreaterThan(0);
        expect(await fitsWidth(page)).toBe(true);

        // A first batch of events with the write key: the charts count them once the EVENTS
        // consumer has recorded its hourly buckets.
        const sent = await fetch(`${sluice}/v1/batch`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Basic ${btoa(`${writeKey}:`)}` },
          body: JSON.stringify({ batch: ["Signed Up", "Plan Chosen", "Signed Up"].map((event) => ({ type: "track", event, anonymousId: "console-test" })) }),
        });
        expect(sent.status).toBe(200);
        await expect
          .poll(async () => (await page.reload(), await page.locator(".facts").textContent()), { timeout: 20_000, interval: 250 })
          .toContain("3 in 24 h");
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}source-${viewport.name}.png`, fullPage: true });

        // Focusing the write key selects nothing by itself, but it can be selected and copied.
        await page.focus("#write-key-value");
        await page.keyboard.press("Control+A");
        expect(await page.evaluate(() => window.getSelection()?.toString() || (document.activeElement as HTMLInputElement).value)).toBe(writeKey);

        await page.goto(`${sluice}/console/sources`);
        expect(await page.locator("table.list").textContent()).toContain(name);
        expect(await fitsWidth(page)).toBe(true);
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}sources-${viewport.name}.png`, fullPage: true });

        await page.goto(`${sluice}/console`);
        // The busiest sources come first, so a source with events (this one, or a busier one) is charted.
        expect(await page.locator("svg.bars").count()).toBeGreaterThan(0);
        expect(await fitsWidth(page)).toBe(true);
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}overview-${viewport.name}.png`, fullPage: true });

        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
