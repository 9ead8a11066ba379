import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";

/** What the console's browser tests share: where screenshots go, the sizes, a page, a sign-in. */

/** Screenshots for a person to look at (ignored by git). */
export const CONSOLE_ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/console/", import.meta.url));
/** The local-dev admin token (DESIGN.md's local development contract). */
export const DEV_ADMIN_TOKEN = "dev_admin_token";

export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/**
 * A fresh page whose script errors (a CSP violation is one) are collected. A page's own error
 * answers (a 400 or 403 on purpose) log "Failed to load resource"; those are left out unless
 * `failedLoads` asks for them.
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  options: { failedLoads?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  return { page, errors: collectErrors(page, options) };
}

/** The script errors of `page` from now on, as `openPage` collects them (for a second tab of a context). */
export function collectErrors(page: Page, options: { failedLoads?: boolean } = {}): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (options.failedLoads || !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Signs in through the form with the local-dev admin token and waits for the Overview. */
export async function signInToConsole(page: Page, sluice: string): Promise<void> {
  await page.goto(`${sluice}/console`);
  await page.fill('input[name="token"]', DEV_ADMIN_TOKEN);
  await Promise.all([page.waitForURL(`${sluice}/console`), page.click('button[type="submit"]')]);
}

/**
 * A small shop's events for one person, as the console's browser tests seed them: two orders
 * (the second with a string total, a plan violation), a product view with a long name, an
 * anonymous page view and the identify that links it.
 */
export function shopBatch(userId: string, anonymousId: string): Record<string, unknown>[] {
  return [
    { type: "track", event: "Order Completed", userId, properties: { total: 42.5, currency: "EUR", products: [{ sku: "A-1", price: 42.5 }] } },
    { type: "track", event: "Order Completed", userId, properties: { total: "42.50" } },
    {
      type: "track",
      event: "Product Viewed",
      userId,
      properties: { sku: "A-1", name: "A very long product name that should wrap nicely on a phone screen" },
    },
    { type: "page", name: "Pricing", anonymousId, properties: { path: "/pricing" } },
    { type: "identify", userId, anonymousId, traits: { email: `${userId}@example.com`, name: "Jane Doe", plan: "pro", logins: 12 } },
  ];
}
