import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminFetch, createSource, send, uniqueId, waitUntil, type Source } from "../e2e/support/sluice";
import { launchChromium } from "./support/chromium";

/** Screenshots for a person to look at (ignored by git). */
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/console/", import.meta.url));
const XSS = "<img src=x onerror=alert(1)>";

/**
 * A source's live debugger in Chromium against `npm run dev`: events sent through the Tracking
 * API appear without a reload, the search reaches `context`, pause holds new events without
 * losing them, an invalid event shows its error, and a payload holding markup stays text, all
 * under the console's strict CSP (a violation would be a console error).
 */
describe("the console's live debugger in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let source: Source;

  beforeAll(async () => {
    browser = await launchChromium();
    source = await createSource(`browser debugger ${uniqueId("run")}`);
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const track = (body: object) => send("/v1/track", { userId: "user-1", ...body }, { writeKey: source.writeKey });
  const entries = (page: Page) => page.locator("#debugger-entries > li");
  const entryNamed = (page: Page, text: string) => entries(page).filter({ hasText: text });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${sluice}/console`);
    await page.fill('input[name="token"]', "dev_admin_token");
    await Promise.all([page.waitForURL(`${sluice}/console`), page.click('button[type="submit"]')]);
  }

  it("shows events live, searches context, pauses without losing events, and keeps payloads as text", async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      await signIn(page);

      await page.goto(`${sluice}/console/sources/${source.id}/debugger`);
      await page.locator("#debugger-empty", { hasText: "No events yet" }).waitFor();
      await expect.poll(() => page.locator("#debugger-status").textContent()).toBe("Live");
      await page.screenshot({ path: `${ARTIFACTS}debugger-empty-desktop.png`, fullPage: true });

      // Live: an accepted event with markup in a property and a value only in its context.
      const contextOnly = uniqueId("campaign-only-in-context");
      expect((await track({ event: "Order Completed", properties: { note: XSS, total: 42 }, context: { campaign: { name: contextOnly } } })).status).toBe(200);
      await entryNamed(page, "Order Completed").waitFor();
      expect(await page.locator("#debugger-empty").isHidden()).toBe(true);
      // Its journey fills in as the pipeline reports.
      await entryNamed(page, "Order Completed").locator("summary").click();
      await entryNamed(page, "Order Completed").locator(".journey", { hasText: "Archived" }).waitFor();
      expect(await entryNamed(page, "Order Completed").locator("pre.raw").textContent()).toContain(XSS);
      expect(await entryNamed(page, "Order Completed").locator("pre.code").textContent()).toContain('analytics.track("Order Completed"');
      expect(await page.locator("#debugger-entries img").count()).toBe(0);

      // Invalid: refused with a 400, shown with the error the client got.
      const refused = await track({ properties: { plan: "pro" } });
      expect(refused.status).toBe(400);
      const invalid = entries(page).and(page.locator(".invalid"));
      await invalid.waitFor();
      await invalid.locator("summary").click();
      expect(await invalid.locator(".error").textContent()).toBe(`The client was told: ${String(refused.json?.error)}`);

      // Search: a value present only in context finds its event and nothing else.
      await page.fill('input[type="search"]', contextOnly);
      await expect.poll(() => entries(page).evaluateAll((items) => items.filter((item) => !(item as HTMLElement).hidden).length)).toBe(1);
      expect(await entryNamed(page, "Order Completed").isVisible()).toBe(true);
      await page.fill('input[type="search"]', "nothing-has-this-value");
      await page.locator("#debugger-no-match").waitFor();
      await page.fill('input[type="search"]', "");

      // Pause: a new event is accepted and held (counted), shown only after resuming.
      await page.click("#debugger-pause");
      expect((await track({ event: "While Paused" })).status).toBe(200);
      await expect.poll(() => page.locator("#debugger-status").textContent(), { timeout: 15_000 }).toBe("Paused: 1 new held");
      expect(await entryNamed(page, "While Paused").count()).toBe(0);
      await page.screenshot({ path: `${ARTIFACTS}debugger-paused-desktop.png`, fullPage: true });
      await page.click("#debugger-pause");
      await entryNamed(page, "While Paused").waitFor();
      expect(await entries(page).first().textContent()).toContain("While Paused");
      await expect.poll(() => page.locator("#debugger-status").textContent()).toBe("Live");

      await page.screenshot({ path: `${ARTIFACTS}debugger-desktop.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `${ARTIFACTS}debugger-phone.png`, fullPage: true });

      // After a reload the same entries are rendered by the server, the markup still text.
      await page.reload();
      await entryNamed(page, "While Paused").waitFor();
      await entryNamed(page, "Order Completed").locator("summary").click();
      expect(await entryNamed(page, "Order Completed").locator("pre.raw").textContent()).toContain(XSS);
      await page.screenshot({ path: `${ARTIFACTS}debugger-reloaded-phone.png`, fullPage: true });
      expect(await page.locator("#debugger-entries img").count()).toBe(0);

      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("after its socket drops, reconnects and shows what arrived meanwhile", async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // Every socket of the page goes through this proxy, so the test can drop what the server sends
    // and then cut the connection, as a network outage would.
    const sockets: WebSocketRoute[] = [];
    let dropping = false;
    await page.routeWebSocket(/\/debugger\/stream$/, (ws) => {
      sockets.push(ws);
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!dropping) ws.send(message);
      });
    });
    try {
      await signIn(page);
      await page.goto(`${sluice}/console/sources/${source.id}/debugger`);
      await expect.poll(() => page.locator("#debugger-status").textContent()).toBe("Live");

      dropping = true;
      const missed = uniqueId("Missed While Offline");
      expect((await track({ event: missed })).status).toBe(200);
      await waitUntil(
        "the missed event, archived, in the source's buffer",
        async () =>
          (
            (await (await adminFetch(`/api/v1/sources/${source.id}/debugger`)).json()) as {
              events: { event: { event?: string }; journey: { archived?: boolean } }[];
            }
          ).events,
        // Archived: the consumer has reported all it will, so only catching up can show it now.
        (events) => events.some(({ event, journey }) => event.event === missed && journey.archived === true),
        { timeoutMs: 15_000 },
      );
      expect(await entryNamed(page, missed).count()).toBe(0);

      dropping = false;
      await sockets.at(-1)!.close({ code: 1001, reason: "test: network gone" });
      await entryNamed(page, missed).waitFor({ timeout: 15_000 });
      expect(sockets.length).toBeGreaterThan(1);
      await expect.poll(() => page.locator("#debugger-status").textContent()).toBe("Live");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
