import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminFetch, basicAuth, createSource, uniqueId, waitUntil, type Source } from "../e2e/support/sluice";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, openPage, shopBatch, signInToConsole, VIEWPORTS } from "./support/console";

const RULE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: { properties: { type: "object", properties: { total: { type: "number" }, currency: { type: "string" } }, required: ["total"] } },
};

/**
 * The Schema, Tracking plans and Profiles sections in Chromium against `npm run dev`: a source
 * with events, a plan with a rule and violations, a profile from an identify; each page under the
 * strict CSP (no error reported), photographed at desktop and phone sizes.
 */
describe("console schema, tracking plans and profiles in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let source: Source;
  let planId: string;
  const userId = uniqueId("user");

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
    source = await createSource("Checkout (browser test)");
    const plan = await adminFetch("/api/v1/tracking-plans", {
      method: "POST",
      body: JSON.stringify({ name: "Checkout plan", rules: [{ type: "TRACK", key: "Order Completed", version: 1, jsonSchema: RULE_SCHEMA }] }),
    });
    expect(plan.status).toBe(201);
    planId = ((await plan.json()) as { trackingPlan: { id: string } }).trackingPlan.id;
    expect((await adminFetch(`/api/v1/sources/${source.id}/tracking-plan`, { method: "PUT", body: JSON.stringify({ trackingPlanId: planId }) })).status).toBe(
      200,
    );
    const batch = shopBatch(userId, "anon-browser");
    const sent = await fetch(`${inject("baseUrl")}/v1/batch`, {
      method: "POST",
      headers: { Authorization: basicAuth(source.writeKey), "Content-Type": "application/json" },
      body: JSON.stringify({ batch }),
    });
    expect(sent.status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function signedIn(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser!, viewport);
    await signInToConsole(opened.page, sluice);
    return opened;
  }

  /** Reloads `path` until `text` shows (the pipeline needs a moment after the send). */
  async function openWhenShown(page: Page, path: string, text: string): Promise<void> {
    await waitUntil(
      `${text} on ${path}`,
      async () => {
        await page.goto(`${sluice}${path}`);
        return (await page.content()).includes(text);
      },
      (shown) => shown,
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  }

  for (const viewport of VIEWPORTS) {
    it(`schema, tracking plans and profiles pages (${viewport.name}, ${viewport.width}×${viewport.height})`, async () => {
      const { page, errors } = await signedIn(viewport);
      const shot = (name: string) => page.screenshot({ path: `${CONSOLE_ARTIFACTS}${name}-${viewport.name}.png`, fullPage: true });
      try {
        await page.goto(`${sluice}/console/schema`);
        await page.locator("h1", { hasText: "Schema" }).waitFor();
        await shot("schema-sources");

        await openWhenShown(page, `/console/schema/${source.id}`, "Product Viewed");
        await page.click("text=Order Completed");
        await page.locator("code", { hasText: "products.$.sku" }).waitFor();
        await shot("schema-source");
        await page.click("text=(identify)");
        await page.locator('button[aria-label="Block trait email"]').waitFor();
        await shot("schema-identify");

        await Promise.all([page.waitForURL(/\/console\/schema\/.+\?page=1$/), page.click('button[aria-label="Block Product Viewed"]')]);
        await page.locator('button[aria-label="Unblock Product Viewed"]').waitFor();
        await Promise.all([page.waitForURL(/\?page=1$/), page.click('button[aria-label="Unblock Product Viewed"]')]);
        await page.locator('button[aria-label="Block Product Viewed"]').waitFor();

        await page.goto(`${sluice}/console/tracking-plans`);
        await page.locator("a", { hasText: "Checkout plan" }).first().waitFor();
        await shot("tracking-plans");

        await page.goto(`${sluice}/console/tracking-plans/${planId}`);
        const typed = '{ "type": "object", "properties": { "properties": { "type": "object", } }';
        await page.fill('input[name="key"]', "Checkout Started");
        await page.fill('textarea[name="jsonSchema"]', typed);
        await page.click("text=Add rule");
        await page.locator("#rule-json-schema-error").waitFor();
        expect(await page.inputValue('textarea[name="jsonSchema"]')).toBe(typed);
        expect(await page.inputValue('input[name="key"]')).toBe("Checkout Started");
        await shot("tracking-plan-rule-error");

        await openWhenShown(page, `/console/tracking-plans/${planId}/violations/${source.id}`, "Invalid Type");
        await shot("tracking-plan-violations");

        await page.goto(`${sluice}/console/profiles`);
        await shot("profiles-lookup");
        await openWhenShown(page, `/console/profiles?collection=users&type=user_id&value=${encodeURIComponent(userId)}`, "Jane Doe");
        await page.locator("h2", { hasText: "Recent events" }).waitFor();
        await shot("profile");

        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
      }
    });
  }
});
