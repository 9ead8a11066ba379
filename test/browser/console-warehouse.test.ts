import { mkdirSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEV, basicAuth, createSource, send, uniqueId, waitForMessages, waitUntil, type Source } from "../e2e/support/sluice";
import { axeViolations, describeViolations, horizontalOverflow, isSerious } from "./support/axe";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, openPage, shopBatch, signInToConsole, VIEWPORTS } from "./support/console";

/**
 * The Warehouse section in Chromium against `npm run dev`: a source's events sent through the
 * Tracking API and archived, Sync now pressed on the Warehouse page, the page reloaded until its
 * last sync says succeeded, then the source's page with its tables, row counts and typed columns,
 * and the space-wide identity tables. Both pages pass axe at desktop and phone sizes, without
 * sideways scrolling, under the console's CSP (no script error).
 */
describe("console warehouse in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let source: Source;
  const userId = uniqueId("warehouse-user");

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
    source = await createSource(`Warehouse shop ${uniqueId("src").slice(0, 12)}`);
    const batch = shopBatch(userId, uniqueId("anon")).map((event) => ({ ...event, messageId: uniqueId("wh") }));
    const sent = await send("/v1/batch", { batch }, { writeKey: source.writeKey });
    expect(sent.status, sent.text).toBe(200);
    await waitForMessages(
      source.id,
      batch.map((event) => event.messageId),
      20_000,
    );
    // The identity tables are read from the profiles at the end of a sync: wait until the identify made one.
    await waitUntil(
      `the profile of ${userId}`,
      async () =>
        (
          await fetch(`${inject("baseUrl")}/v1/spaces/default/collections/users/profiles/user_id:${encodeURIComponent(userId)}/traits`, {
            headers: { Authorization: basicAuth(DEV.profileToken) },
          })
        ).status,
      (status) => status === 200,
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The source's card on the Warehouse page. */
  const card = (page: Page): Locator => page.locator("ul.warehouse-sources > li", { has: page.locator("h2 a", { hasText: source.name }) });

  async function checkAccessible(page: Page, name: string): Promise<void> {
    const violations = (await axeViolations(page)).filter(isSerious);
    expect(violations, `axe found on ${name}:\n${describeViolations(violations)}`).toEqual([]);
    const overflow = await horizontalOverflow(page);
    expect(overflow.pixels, `${name} scrolls sideways: ${overflow.culprits.join("; ")}`).toBeLessThanOrEqual(1);
  }

  it("Sync now syncs the source's archived events; the source's page shows its tables, row counts and columns", async () => {
    const { page, errors } = await openPage(browser!, { width: 1280, height: 800 });
    try {
      await signInToConsole(page, sluice);
      await Promise.all([page.waitForURL(`${sluice}/console/warehouse`), page.click('nav >> text="Warehouse"')]);
      expect(await card(page).locator(".pill").textContent()).toBe("never synced");
      expect(await card(page).locator("dd").nth(1).textContent()).toBe("No sync yet: Sync now, or wait for the schedule.");

      await Promise.all([
        page.waitForURL(`${sluice}/console/warehouse?done=started&source=${source.id}`),
        card(page).locator(`button[aria-label="Sync now: ${source.name}"]`).click(),
      ]);
      expect(await page.locator('p.notice[role="status"]').textContent()).toBe(
        `Sync of ${source.name} started: it runs in the background. Reload to see it finish.`,
      );

      // The sync runs in its Durable Object: reload, as a person would, until it has ended.
      const seen = new Set<string>();
      const status = await waitUntil(
        "the last sync to end on the Warehouse page",
        async () => {
          await page.reload();
          const shown = (await card(page).locator(".pill").textContent()) ?? "";
          seen.add(shown);
          return shown;
        },
        (shown) => shown === "succeeded" || shown === "failed",
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(status, `${[...seen].join(" → ")}; ${await card(page).textContent()}`).toBe("succeeded");
      expect(await card(page).locator("dd").nth(1).textContent()).toMatch(/ · manual · 1 of 1 hour · \d+ rows · \d+ files$/);
      expect(await card(page).locator(".sync-error").count()).toBe(0);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}warehouse-desktop.png`, fullPage: true });
      await checkAccessible(page, "warehouse");

      await Promise.all([page.waitForURL(`${sluice}/console/warehouse/${source.id}`), card(page).locator("h2 a").click()]);
      const summaries = await page.locator("#tables ~ .warehouse-tables summary").allTextContents();
      const rowsOf = (table: string) => summaries.find((summary) => summary.startsWith(`${table} `))?.match(/^\S+ (\d+) rows?/)?.[1];
      // shopBatch: two Order Completed, one Product Viewed, a page and an identify.
      expect(
        Object.fromEntries(["tracks", "order_completed", "product_viewed", "pages", "identifies", "users"].map((table) => [table, rowsOf(table)])),
        summaries.join("\n"),
      ).toEqual({ tracks: "3", order_completed: "2", product_viewed: "1", pages: "1", identifies: "1", users: "1" });

      const orders = page.locator("details.warehouse-table", { has: page.locator("summary code", { hasText: /^order_completed$/ }) });
      await orders.locator("summary").click();
      const cells: string[][] = await orders
        .locator("tbody tr")
        .evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll("td"), (cell) => cell.textContent ?? "")));
      const columns: Record<string, string> = Object.fromEntries(cells.map((row): [string, string] => [row[0] ?? "", row[1] ?? ""]));
      expect(columns).toMatchObject({ currency: "string", user_id: "string", timestamp: "timestamp", received_at: "timestamp" });
      expect(Object.keys(columns)).toContain("total");

      const identity = await page.locator("#identity-tables ~ .warehouse-tables summary code").allTextContents();
      expect(identity).toContain("identity_graph");
      expect(identity).toContain("profile_traits");
      const syncs = page.locator("#recent-syncs ~ .table-scroll tbody tr");
      expect(await syncs.count()).toBe(1);
      expect(await syncs.first().locator("td").allTextContents()).toEqual([
        expect.stringMatching(/UTC$/),
        "succeeded",
        "manual",
        expect.stringMatching(/UTC$/),
        "1 / 1",
        expect.stringMatching(/^\d+$/),
        expect.stringMatching(/^\d+$/),
      ]);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}warehouse-source-desktop.png`, fullPage: true });
      await checkAccessible(page, "warehouse-source");
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("both pages at phone width: readable without scrolling sideways, no axe violation", async () => {
    const phone = VIEWPORTS.find((viewport) => viewport.name === "phone")!;
    const { page, errors } = await openPage(browser!, phone);
    try {
      await signInToConsole(page, sluice);
      await page.goto(`${sluice}/console/warehouse`);
      await card(page).waitFor();
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}warehouse-phone.png`, fullPage: true });
      await checkAccessible(page, "warehouse at phone width");
      await page.goto(`${sluice}/console/warehouse/${source.id}`);
      await page.locator("details.warehouse-table summary").first().click();
      await page.locator("details.warehouse-table[open] table").waitFor();
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}warehouse-source-phone.png`, fullPage: true });
      // The syncs table keeps its first columns on a phone (the rest are hidden, not scrolled to).
      await page.locator('section[aria-labelledby="recent-syncs"]').screenshot({ path: `${CONSOLE_ARTIFACTS}warehouse-source-phone-syncs.png` });
      await checkAccessible(page, "warehouse-source at phone width");
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
