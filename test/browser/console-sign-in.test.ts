import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, DEV_ADMIN_TOKEN, openPage, VIEWPORTS } from "./support/console";

/**
 * The console's front door in Chromium against `npm run dev`: the sign-in form, the signed-in
 * home under the strict CSP (no violation reported), and sign-out.
 */
describe("console sign-in in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A fresh context at `viewport`, collecting page errors and console errors other than failed
   * loads (the wrong-token attempt is a 403 on purpose); a CSP violation would be one.
   */
  const open = (viewport: { width: number; height: number }) => openPage(browser!, viewport);

  for (const viewport of VIEWPORTS) {
    it(`signs in with the admin token, shows the home page, and signs out (${viewport.name}, ${viewport.width}×${viewport.height})`, async () => {
      const { page, errors } = await open(viewport);
      try {
        const signInPage = await page.goto(`${sluice}/console`);
        expect(signInPage?.status()).toBe(200);
        await page.locator('input[name="token"]').waitFor();
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}sign-in-${viewport.name}.png`, fullPage: true });

        await page.fill('input[name="token"]', "not the token");
        await page.click('button[type="submit"]');
        await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain("not this deployment's admin token");
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}sign-in-error-${viewport.name}.png`, fullPage: true });

        await page.fill('input[name="token"]', DEV_ADMIN_TOKEN);
        await Promise.all([page.waitForURL(`${sluice}/console`), page.click('button[type="submit"]')]);
        await page.locator("h1", { hasText: "Overview" }).waitFor();
        expect(await page.locator('nav[aria-label="Console"]').textContent()).toContain("Tracking plans");
        const cookies = await page.context().cookies(`${sluice}/console`);
        const session = cookies.find((cookie) => cookie.name === "sluice_session");
        expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}home-${viewport.name}.png`, fullPage: true });

        await Promise.all([page.waitForURL(`${sluice}/console`), page.click("text=Sign out")]);
        await page.locator('input[name="token"]').waitFor();
        expect((await page.context().cookies(`${sluice}/console`)).some((cookie) => cookie.name === "sluice_session")).toBe(false);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
