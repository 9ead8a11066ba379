import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, openPage, signInToConsole, VIEWPORTS } from "./support/console";

/**
 * The destinations section in Chromium against `npm run dev`: create a webhook destination with
 * the form, try a filter on the prefilled sample event, under the strict CSP (no violation
 * reported), with screenshots of each step at both sizes.
 */
describe("console destinations in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function signedIn(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser!, viewport);
    await signInToConsole(opened.page, sluice);
    return opened;
  }

  for (const viewport of VIEWPORTS) {
    it(`creates a webhook destination and previews a filter (${viewport.name}, ${viewport.width}×${viewport.height})`, async () => {
      const { page, errors } = await signedIn(viewport);
      try {
        await Promise.all([page.waitForURL(`${sluice}/console/destinations`), page.click('nav >> text="Destinations"')]);
        await page.locator("h1", { hasText: "Destinations" }).waitFor();
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destinations-${viewport.name}.png`, fullPage: true });

        const name = `Browser hook ${viewport.name} ${Date.now()}`;
        await page.fill('input[name="name"]', name);
        // Its own Tracking API, without a write key: the event tester shows the refusal that comes back.
        await page.fill('input[name="url"]', `${sluice}/v1/track`);
        await page.fill('input[name="sharedSecret"]', "browser-secret");
        await page.fill('textarea[name="headers"]', "X-Team: growth");
        await page.fill('input[name="consentCategories"]', "Analytics");
        await Promise.all([page.waitForURL(/\/console\/destinations\/[^/]+$/), page.click('button:has-text("Create destination")')]);
        await page.locator("h1", { hasText: name }).waitFor();
        expect(await page.locator("#settings + dl").textContent()).toContain("********");
        expect(await page.content()).not.toContain("browser-secret");
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-${viewport.name}.png`, fullPage: true });

        const preview = page.locator('form[action$="/preview#preview-result"]');
        await preview.locator('input[name="if"]').fill('event = "Sluice Test Event"');
        await preview.locator('select[name="action"]').selectOption("DROP_PROPERTIES");
        await preview.locator('input[name="fields"]').fill("properties.source, context.library");
        await Promise.all([page.waitForURL(/\/preview#preview-result$/), preview.locator('button[type="submit"]').click()]);
        const result = page.locator("#preview-result");
        await result.waitFor();
        expect(await result.textContent()).toContain("Matched");
        expect(await result.locator("pre").textContent()).not.toContain("Sluice event tester");
        expect(await page.locator('form[action$="/preview#preview-result"] input[name="fields"]').inputValue()).toBe("properties.source, context.library");
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-preview-${viewport.name}.png`, fullPage: true });
        // What a person sees after the POST: the page scrolled to the result by its fragment.
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-preview-seen-${viewport.name}.png` });

        const tester = page.locator('form[action$="/test#tester-result"]');
        await Promise.all([page.waitForURL(/\/test#tester-result$/), tester.locator('button[type="submit"]').click()]);
        const attempt = page.locator("#tester-result");
        await attempt.waitFor();
        expect(await attempt.textContent()).toContain("Sent: POST");
        expect(await attempt.textContent()).toContain("Came back");
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-tester-seen-${viewport.name}.png` });

        await Promise.all([page.waitForURL(`${sluice}/console/replays`), page.click('nav >> text="Replays"')]);
        await page.locator("h1", { hasText: "Replays" }).waitFor();
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replays-${viewport.name}.png`, fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
