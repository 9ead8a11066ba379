import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminFetch, basicAuth, createSource, send, uniqueId, waitForMessages, waitUntil, type Source } from "../e2e/support/sluice";
import { axeViolations, describeViolations, horizontalOverflow, isSerious } from "./support/axe";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, DEV_ADMIN_TOKEN, openPage, shopBatch, signInToConsole, VIEWPORTS } from "./support/console";

/**
 * Every console page in Chromium against `npm run dev`, at desktop and phone sizes, with data in
 * it (a source with events, an invalid one among them, a tracking plan with a violation, a
 * webhook with deliveries and dead letters, a profile, a replay, a warehouse sync): axe-core finds no serious or
 * critical violation, the phone width never scrolls sideways, and each page is photographed.
 * Then the keyboard alone: sign in, skip to the content, reach a source and its debugger, every
 * stop along the way showing where the focus is.
 */

const RULE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: { properties: { type: "object", properties: { total: { type: "number" }, currency: { type: "string" } }, required: ["total"] } },
};

interface Seeded {
  source: Source;
  planId: string;
  destinationId: string;
  /** Segment's Webhook (Actions), with one mapping. */
  actionsDestinationId: string;
  replayId: string;
  userId: string;
  regulationId: string;
}

/** One console page to check: where it is, and what shows once it is ready. */
interface ConsolePage {
  name: string;
  path: (seeded: Seeded) => string;
  /**
   * Text that other consumers than the archive's put there (schema, violations, profiles): the
   * page is reloaded until it shows, as a person would after sending.
   */
  shows?: string;
  /** Waits for the page's content (and does what it needs: open an entry, send a form). */
  ready: (page: Page) => Promise<void>;
}

/**
 * Both sizes in the light scheme, and the desktop in the dark one: the stylesheet has a dark
 * palette (prefers-color-scheme), whose contrast must hold too.
 */
const SIZES_AND_SCHEMES = [
  ...VIEWPORTS.map((viewport) => ({ ...viewport, colorScheme: "light" as const })),
  { name: "desktop-dark", width: 1280, height: 800, colorScheme: "dark" as const },
];

const heading = (text: string) => (page: Page) => page.locator("h1", { hasText: text }).waitFor();

const SIGNED_IN_PAGES: readonly ConsolePage[] = [
  { name: "overview", path: () => "/console", ready: heading("Overview") },
  { name: "sources", path: () => "/console/sources", ready: heading("Sources") },
  { name: "source", path: ({ source }) => `/console/sources/${source.id}`, ready: (page) => page.locator("pre.snippet").waitFor() },
  {
    name: "debugger",
    path: ({ source }) => `/console/sources/${source.id}/debugger`,
    ready: async (page) => {
      await page.locator("#debugger-entries > li.invalid").first().waitFor();
      await expect.poll(() => page.locator("#debugger-status").textContent()).toBe("Live");
      const entry = page.locator("#debugger-entries > li", { hasText: "Order Completed" }).first();
      await entry.locator("summary").click();
      await entry.locator("pre.raw").waitFor();
      const invalid = page.locator("#debugger-entries > li.invalid").first();
      await invalid.locator("summary").click();
      await invalid.locator(".error").waitFor();
    },
  },
  { name: "schema", path: () => "/console/schema", ready: heading("Schema") },
  {
    name: "schema-source",
    path: ({ source }) => `/console/schema/${source.id}`,
    shows: "Product Viewed",
    ready: (page) => page.locator("a", { hasText: "Product Viewed" }).waitFor(),
  },
  {
    name: "schema-event",
    path: ({ source }) => `/console/schema/${source.id}?page=1&event=${encodeURIComponent("track:Order Completed")}`,
    ready: (page) => page.locator("code", { hasText: "products.$.sku" }).waitFor(),
  },
  {
    name: "schema-identify",
    path: ({ source }) => `/console/schema/${source.id}?page=1&event=${encodeURIComponent("identify:")}`,
    ready: (page) => page.locator('button[aria-label="Block trait email"]').waitFor(),
  },
  { name: "tracking-plans", path: () => "/console/tracking-plans", ready: (page) => page.locator("a", { hasText: "Checkout plan" }).first().waitFor() },
  { name: "tracking-plan", path: ({ planId }) => `/console/tracking-plans/${planId}`, ready: (page) => page.locator("#rule-editor").waitFor() },
  {
    name: "tracking-plan-edit",
    path: ({ planId }) => `/console/tracking-plans/${planId}?edit=0#rule-editor`,
    ready: (page) => page.locator("h2", { hasText: "Edit rule" }).waitFor(),
  },
  {
    name: "tracking-plan-rule-error",
    path: ({ planId }) => `/console/tracking-plans/${planId}`,
    ready: async (page) => {
      await page.fill('input[name="key"]', "Checkout Started");
      await page.fill('textarea[name="jsonSchema"]', '{ "type": "object", }');
      await Promise.all([page.waitForURL(/\/rules$/), page.click("text=Add rule")]);
      await page.locator("#rule-json-schema-error").waitFor();
    },
  },
  {
    name: "tracking-plan-violations",
    path: ({ planId, source }) => `/console/tracking-plans/${planId}/violations/${source.id}`,
    shows: "Invalid Type",
    ready: (page) => page.locator("td", { hasText: "Invalid Type" }).first().waitFor(),
  },
  { name: "destinations", path: () => "/console/destinations", ready: (page) => page.locator("a", { hasText: "Warehouse webhook" }).waitFor() },
  {
    name: "destination",
    path: ({ destinationId }) => `/console/destinations/${destinationId}`,
    ready: async (page) => {
      await page.locator(".dead-letters summary").first().click();
      await page.locator(".dead-letters pre").first().waitFor();
    },
  },
  {
    name: "destination-preview",
    path: ({ destinationId }) => `/console/destinations/${destinationId}`,
    ready: async (page) => {
      const preview = page.locator('form[action$="/preview#preview-result"]');
      await preview.locator('input[name="if"]').fill('event = "Sluice Test Event"');
      await Promise.all([page.waitForURL(/\/preview#preview-result$/), preview.locator('button[type="submit"]').click()]);
      await page.locator("#preview-result").waitFor();
    },
  },
  { name: "catalog", path: () => "/console/catalog", ready: heading("Catalog") },
  { name: "catalog-filtered", path: () => "/console/catalog?q=audiences", ready: (page) => page.locator('p[role="status"]').waitFor() },
  { name: "catalog-setup", path: () => "/console/catalog/amplitude", ready: (page) => page.locator("#setup-setting-apiKey").waitFor() },
  {
    name: "catalog-setup-error",
    path: () => "/console/catalog/amplitude",
    ready: async (page) => {
      // As a browser that does not check `required` would post it: the server's field errors.
      await page.locator('form[action="/console/catalog/amplitude"]').evaluate((form: HTMLFormElement) => (form.noValidate = true));
      await page.fill("#setup-setting-secretKey", "typed-secret");
      await page.click('button:has-text("Create destination")');
      await page.locator("#setup-setting-apiKey-error").waitFor();
    },
  },
  {
    name: "actions-destination",
    path: ({ actionsDestinationId }) => `/console/destinations/${actionsDestinationId}`,
    ready: (page) => page.locator(".mappings li").first().waitFor(),
  },
  {
    name: "actions-mapping-error",
    path: ({ actionsDestinationId }) => `/console/destinations/${actionsDestinationId}?mapping=0#mapping-editor`,
    ready: async (page) => {
      await page.fill("#mapping-subscribe", 'type = "track" and (');
      await Promise.all([page.waitForURL(/\/mappings#mapping-editor$/), page.click('button:has-text("Save mapping")')]);
      await page.locator("#mapping-subscribe-error").waitFor();
    },
  },
  {
    name: "actions-requests",
    path: ({ actionsDestinationId }) => `/console/destinations/${actionsDestinationId}`,
    ready: async (page) => {
      const preview = page.locator('form[action$="/requests#requests-result"]');
      await Promise.all([page.waitForURL(/\/requests#requests-result$/), preview.locator('button[type="submit"]').click()]);
      await page.locator("#requests-result .mapping-preview").first().waitFor();
    },
  },
  { name: "profiles", path: () => "/console/profiles", ready: heading("Profiles") },
  {
    name: "profile",
    path: ({ userId }) => `/console/profiles?collection=users&type=user_id&value=${encodeURIComponent(userId)}`,
    shows: "Jane Doe",
    ready: (page) => page.locator("h2", { hasText: "Recent events" }).waitFor(),
  },
  {
    name: "profile-not-found",
    path: () => "/console/profiles?collection=users&type=user_id&value=nobody-has-this-id",
    ready: (page) => page.locator(".empty-title", { hasText: "No profile found" }).waitFor(),
  },
  { name: "replays", path: () => "/console/replays", ready: (page) => page.locator("h2", { hasText: "Start a replay" }).waitFor() },
  { name: "replay", path: ({ replayId }) => `/console/replays/${replayId}`, ready: (page) => page.locator("h2", { hasText: "Per destination" }).waitFor() },
  { name: "privacy", path: () => "/console/privacy", ready: heading("Privacy") },
  {
    name: "regulation",
    path: ({ regulationId }) => `/console/privacy/regulations/${regulationId}`,
    ready: (page) => page.locator("h2", { hasText: "Progress per store" }).waitFor(),
  },
  { name: "warehouse", path: () => "/console/warehouse", ready: (page) => page.locator("h2", { hasText: "Query it" }).waitFor() },
  {
    name: "warehouse-source",
    path: ({ source }) => `/console/warehouse/${source.id}`,
    ready: async (page) => {
      await page.locator("details.warehouse-table summary", { hasText: "order_completed" }).click();
      await page.locator("details.warehouse-table[open] table").waitFor();
    },
  },
  { name: "not-found", path: () => "/console/no-such-page", ready: heading("Not found") },
  { name: "api", path: () => "/api/v1/docs", ready: (page) => page.locator("h1").first().waitFor() },
];

/** The focused element, and whether it shows a focus ring (an outline the keyboard's focus draws). */
const focusState = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { description: "body", visible: false };
    const style = getComputedStyle(element);
    const description = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} "${(element.textContent ?? "").trim().slice(0, 40) || (element.getAttribute("name") ?? "")}"`;
    return {
      description,
      visible: element.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1,
    };
  });

describe("console accessibility in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let seeded: Seeded;
  /** Every violation axe reported, minor and moderate too, by page: kept beside the screenshots. */
  const report: Record<string, { id: string; impact: string; help: string; targets: string[] }[]> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
    seeded = await seed();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    writeFileSync(`${CONSOLE_ARTIFACTS}a11y-report.json`, `${JSON.stringify(report, null, 2)}\n`);
  });

  for (const viewport of SIZES_AND_SCHEMES) {
    describe(`${viewport.name}, ${viewport.width}×${viewport.height}, ${viewport.colorScheme}`, () => {
      /** A fresh page at this size, in this colour scheme. */
      const open = async () => {
        const opened = await openPage(browser!, viewport);
        await opened.page.emulateMedia({ colorScheme: viewport.colorScheme });
        return opened;
      };

      const check = async (page: Page, name: string) => {
        await page.screenshot({ path: `${CONSOLE_ARTIFACTS}a11y-${name}-${viewport.name}.png`, fullPage: true });
        const found = await axeViolations(page);
        report[`${name}-${viewport.name}`] = found.map((violation) => ({
          id: violation.id,
          impact: violation.impact ?? "unknown",
          help: violation.help,
          targets: violation.nodes.map((node) => node.target.join(" ")),
        }));
        const violations = found.filter(isSerious);
        expect(violations, `axe found on ${name} (${page.url()}):\n${describeViolations(violations)}`).toEqual([]);
        const overflow = await horizontalOverflow(page);
        expect(overflow.pixels, `${name} scrolls sideways at ${viewport.width} px: ${overflow.culprits.join("; ")}`).toBeLessThanOrEqual(1);
      };

      it("sign-in page, and its error", async () => {
        const { page, errors } = await open();
        try {
          await page.goto(`${sluice}/console`);
          await page.locator('input[name="token"]').waitFor();
          await check(page, "sign-in");
          await page.fill('input[name="token"]', "not the token");
          await page.click('button[type="submit"]');
          await page.locator('[role="alert"]').waitFor();
          await check(page, "sign-in-error");
          expect(errors).toEqual([]);
        } finally {
          await page.context().close();
        }
      });

      describe("signed in", () => {
        let page: Page;
        let errors: string[];

        beforeAll(async () => {
          ({ page, errors } = await open());
          await signInToConsole(page, sluice);
        });

        afterAll(async () => {
          await page.context().close();
        });

        for (const consolePage of SIGNED_IN_PAGES) {
          it(consolePage.name, async () => {
            errors.length = 0;
            const url = `${sluice}${consolePage.path(seeded)}`;
            const shows = consolePage.shows;
            if (shows === undefined) await page.goto(url);
            else {
              await waitUntil(
                `${shows} on ${url}`,
                async () => {
                  await page.goto(url);
                  return (await page.content()).includes(shows);
                },
                (shown) => shown,
                { timeoutMs: 20_000, intervalMs: 500 },
              );
            }
            await consolePage.ready(page);
            await check(page, consolePage.name);
            expect(errors).toEqual([]);
          });
        }
      });
    });
  }

  it("signs in and reaches a source's debugger with the keyboard alone, the focus always visible", async () => {
    const { page, errors } = await openPage(browser!, { width: 1280, height: 800 });
    /** Presses Tab until `wanted` is focused, checking that every element on the way shows its focus. */
    const tabTo = async (wanted: string, maxPresses = 40) => {
      for (let presses = 0; presses < maxPresses; presses++) {
        await page.keyboard.press("Tab");
        const focus = await focusState(page);
        expect(focus.visible, `the focus on ${focus.description} is not visible`).toBe(true);
        if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, wanted)) return;
      }
      throw new Error(`${maxPresses} presses of Tab never reached ${wanted} on ${page.url()}`);
    };
    try {
      await page.goto(`${sluice}/console`);
      // The token field has the focus on arrival (autofocus): type, Tab to the button, Enter.
      // Chromium applies autofocus in a task after the load: wait for it rather than race it.
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name")), { timeout: 5_000 }).toBe("token");
      await page.keyboard.type(DEV_ADMIN_TOKEN);
      await tabTo('button[type="submit"]');
      await Promise.all([page.waitForURL(`${sluice}/console`), page.keyboard.press("Enter")]);
      await page.locator("h1", { hasText: "Overview" }).waitFor();

      // The first stop is the skip link; following it puts the focus on the content.
      await tabTo("a.skip", 1);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}a11y-keyboard-skip-link-desktop.png` });
      await page.keyboard.press("Enter");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("content");

      await page.goto(`${sluice}/console`);
      await tabTo('nav[aria-label="Console"] a[href="/console/sources"]');
      await Promise.all([page.waitForURL(`${sluice}/console/sources`), page.keyboard.press("Enter")]);
      await tabTo(`a[href="/console/sources/${seeded.source.id}"]`);
      await Promise.all([page.waitForURL(`${sluice}/console/sources/${seeded.source.id}`), page.keyboard.press("Enter")]);
      await tabTo(`a[href="/console/sources/${seeded.source.id}/debugger"]`);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}a11y-keyboard-source-desktop.png` });
      await Promise.all([page.waitForURL(`${sluice}/console/sources/${seeded.source.id}/debugger`), page.keyboard.press("Enter")]);
      await page.locator("#debugger-entries > li").first().waitFor();

      // An entry opens from the keyboard too (its summary is a native disclosure).
      await tabTo("#debugger-entries summary");
      await page.keyboard.press("Enter");
      await page.locator("#debugger-entries details[open]").first().waitFor();
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}a11y-keyboard-debugger-desktop.png` });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  /** What the pages show: built through the admin and Tracking APIs, as a person's setup would be. */
  async function seed(): Promise<Seeded> {
    const baseUrl = inject("baseUrl");
    const adminJson = async <T>(method: string, path: string, body: object | undefined, status: number): Promise<T> => {
      const response = await adminFetch(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await response.text();
      if (response.status !== status) throw new Error(`${method} ${path} answered ${response.status}, expected ${status}: ${text}`);
      return JSON.parse(text) as T;
    };

    const source = await createSource("Storefront (accessibility)");
    // Where the webhook delivers: Sluice's own Tracking API, as another source. Track events are
    // accepted there (delivered); identify and page sent to /v1/track are refused with a 400,
    // which the webhook dead-letters at once: the destination's page has both.
    const sink = await createSource("Delivery sink (accessibility)");
    const { trackingPlan } = await adminJson<{ trackingPlan: { id: string } }>(
      "POST",
      "/api/v1/tracking-plans",
      { name: "Checkout plan", rules: [{ type: "TRACK", key: "Order Completed", version: 1, jsonSchema: RULE_SCHEMA }] },
      201,
    );
    await adminJson("PUT", `/api/v1/sources/${source.id}/tracking-plan`, { trackingPlanId: trackingPlan.id }, 200);
    const { destination } = await adminJson<{ destination: { id: string } }>(
      "POST",
      "/api/v1/destinations",
      {
        name: "Warehouse webhook",
        type: "webhook",
        sourceIds: [source.id],
        settings: { url: `${baseUrl}/v1/track`, headers: { Authorization: basicAuth(sink.writeKey) } },
      },
      201,
    );
    const { destination: actionsDestination } = await adminJson<{ destination: { id: string } }>(
      "POST",
      "/api/v1/destinations",
      {
        name: "Orders (Webhook Actions)",
        type: "actions:webhook",
        sourceIds: [source.id],
        subscriptions: [
          {
            name: "Orders to the warehouse",
            subscribe: 'type = "track" and event = "Order Completed"',
            partnerAction: "send",
            mapping: { url: `${baseUrl}/v1/track`, method: "POST", headers: { Authorization: basicAuth(sink.writeKey) }, data: { "@path": "$." } },
          },
        ],
      },
      201,
    );

    const userId = uniqueId("user");
    const batch = shopBatch(userId, "anon-a11y").map((event) => ({ ...event, messageId: uniqueId("a11y") }));
    const sent = await send("/v1/batch", { batch }, { writeKey: source.writeKey });
    expect(sent.status).toBe(200);
    // An invalid event (a track without its name): refused, and shown in the debugger with its error.
    expect((await send("/v1/track", { userId, properties: { plan: "pro" } }, { writeKey: source.writeKey })).status).toBe(400);

    const archived = await waitForMessages(
      source.id,
      batch.map((event) => event.messageId),
      20_000,
    );
    await waitUntil(
      "the webhook's dead letters",
      async () => (await adminJson<{ deadLetters: unknown[] }>("GET", `/api/v1/destinations/${destination.id}/dead-letters`, undefined, 200)).deadLetters,
      (letters) => letters.length > 0,
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const receivedAt = [...archived.values()].map((event) => Date.parse(event.receivedAt));
    const { replay } = await adminJson<{ replay: { id: string } }>(
      "POST",
      "/api/v1/replays",
      {
        sourceId: source.id,
        destinationIds: [destination.id],
        from: new Date(Math.min(...receivedAt)).toISOString(),
        to: new Date(Math.max(...receivedAt) + 1).toISOString(),
      },
      201,
    );
    // A running replay's page reloads itself every 2 s; the finished one holds still for axe.
    await waitUntil(
      "the replay to end",
      async () => (await adminJson<{ replay: { status: string } }>("GET", `/api/v1/replays/${replay.id}`, undefined, 200)).replay.status,
      (status) => status !== "running",
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    // The source's warehouse: a sync of what was archived, ended before its pages are checked.
    const { sync } = await adminJson<{ sync: { id: string } }>("POST", "/api/v1/warehouse/syncs", { sourceId: source.id }, 201);
    await waitUntil(
      "the warehouse sync to end",
      async () => (await adminJson<{ sync: { status: string } }>("GET", `/api/v1/warehouse/syncs/${sync.id}`, undefined, 200)).sync.status,
      (status) => status !== "running",
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const { regulation } = await adminJson<{ regulation: { id: string } }>(
      "POST",
      "/api/v1/regulations",
      { regulationType: "SUPPRESS_ONLY", subjectType: "USER_ID", subjectIds: [`${userId}-someone-else`] },
      201,
    );
    return {
      source,
      planId: trackingPlan.id,
      destinationId: destination.id,
      actionsDestinationId: actionsDestination.id,
      replayId: replay.id,
      userId,
      regulationId: regulation.id,
    };
  }
});
