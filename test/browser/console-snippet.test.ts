import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueId, waitUntil } from "../e2e/support/sluice";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, collectErrors, signInToConsole } from "./support/console";
import { PageLog } from "./support/page-log";
import { startPageServer, type PageServer } from "./support/page-server";
import { waitForSdk } from "./support/sdk";

/** How soon an event sent by the SDK must show in an open debugger: the console issue's promise. */
const LIVE_WITHIN_MS = 2_000;

/**
 * The journey a new user takes: create a source in the console, copy the snippet from its page,
 * paste it into a site, and watch the site's events arrive live in the source's debugger. The
 * site is a test page on another port (same site as Sluice, as a first-party deployment is); it
 * holds nothing but the copied snippet.
 */
describe("console: a pasted snippet's events in the live debugger", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let pages: PageServer | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    pages = await startPageServer();
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  /** The entry ids (messageIds, for accepted events) and raw JSON the debugger list shows now. */
  const shownEntries = (page: Page) =>
    page.locator("#debugger-entries > li").evaluateAll((items) =>
      items.map((item) => ({
        id: item.getAttribute("data-id") ?? "",
        kind: item.querySelector(".kind")?.textContent ?? "",
        raw: item.querySelector("pre.raw")?.textContent ?? "",
      })),
    );

  it("creates a source, pastes its snippet into a page, and the page's calls appear live in the debugger", async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sluice });
    const log = new PageLog(context, pages!.origin);
    try {
      const consoleTab = await context.newPage();
      const consoleErrors = collectErrors(consoleTab);
      await signInToConsole(consoleTab, sluice);

      // Create the source through the console's form.
      await consoleTab.goto(`${sluice}/console/sources`);
      const name = `Snippet journey ${uniqueId("site")}`;
      await consoleTab.fill("#source-name", name);
      await Promise.all([consoleTab.waitForURL(/\/console\/sources\/[A-Za-z0-9]{22}$/), consoleTab.click('button:text-is("Create source")')]);
      await consoleTab.locator("h1", { hasText: name }).waitFor();
      const sourceId = new URL(consoleTab.url()).pathname.split("/").at(-1)!;

      // Copy the snippet as a person would: its Copy button puts the snippet block's text on the clipboard.
      await consoleTab.click('button:text-is("Copy snippet")');
      await consoleTab.locator('button:text-is("Copied")').waitFor();
      const snippet = (await consoleTab.evaluate(() => navigator.clipboard.readText())).trim();
      expect(snippet).toBe(((await consoleTab.locator("pre.snippet").textContent()) ?? "").trim());
      expect(snippet.startsWith("<script>") && snippet.endsWith("</script>"), snippet).toBe(true);
      const writeKey = await consoleTab.inputValue("#write-key-value");
      expect(snippet).toContain(`analytics.load("${writeKey}");`);
      await consoleTab.click('button:text-is("Copy write key")');
      await expect.poll(() => consoleTab.evaluate(() => navigator.clipboard.readText())).toBe(writeKey);

      // The debugger is open and live before the site sends anything.
      await consoleTab.click('a:text-is("Open the live debugger")');
      await consoleTab.waitForURL(`${sluice}/console/sources/${sourceId}/debugger`);
      await consoleTab.locator("#debugger-empty", { hasText: "No events yet" }).waitFor();
      await expect.poll(() => consoleTab.locator("#debugger-status").textContent()).toBe("Live");

      // A site whose <head> holds only the pasted snippet, opened in a second tab.
      const path = `/${uniqueId("pasted")}/pricing`;
      const site = pages!.page(
        path,
        `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Pricing</title>\n${snippet}\n</head>\n<body>\n<h1>Pricing</h1>\n</body>\n</html>\n`,
      );
      const siteTab = await context.newPage();
      const siteErrors = collectErrors(siteTab);
      await siteTab.goto(site);
      await waitForSdk(siteTab, log);

      const probe = uniqueId("probe");
      const messageId = await siteTab.evaluate(
        async ({ probe }) => {
          const context = (await window.analytics!.track("Snippet Pasted", { probe, plan: "pro" })) as { event?: { messageId?: string } };
          return context.event?.messageId ?? "";
        },
        { probe },
      );
      expect(messageId).not.toBe("");

      // From here the debugger has LIVE_WITHIN_MS to show both calls without a reload: the
      // snippet's page call (sent first) and the track.
      const shown = await waitUntil(
        `the snippet's page call and track ${messageId} live in the debugger`,
        () => shownEntries(consoleTab),
        (entries) => entries.some((entry) => entry.id === messageId) && entries.some((entry) => entry.kind === "page" && entry.raw.includes(path)),
        {
          timeoutMs: LIVE_WITHIN_MS,
          intervalMs: 50,
          describe: (entries) => `${JSON.stringify(entries.map(({ id, kind }) => ({ id, kind })))}\n${log.describe()}`,
        },
      );
      const track = shown.find((entry) => entry.id === messageId)!;
      expect(track.kind).toBe("track");
      expect(JSON.parse(track.raw)).toMatchObject({ type: "track", event: "Snippet Pasted", properties: { probe, plan: "pro" }, context: { page: { path } } });
      // Newest first, though the SDK sent both in one request (one receivedAt): the track above
      // the page call, live as after a reload.
      const order = (entries: { id: string }[]) => entries.map((entry) => entry.id);
      expect(shown.map((entry) => entry.kind)).toEqual(["track", "page"]);
      expect(await consoleTab.locator("#debugger-empty").isHidden()).toBe(true);
      await consoleTab.screenshot({ path: `${CONSOLE_ARTIFACTS}snippet-debugger-desktop.png`, fullPage: true });
      await consoleTab.reload();
      await consoleTab.locator(`#debugger-entries > li[data-id="${messageId}"]`).waitFor();
      expect(order(await shownEntries(consoleTab))).toEqual(order(shown));

      await siteTab.screenshot({ path: `${CONSOLE_ARTIFACTS}snippet-site-desktop.png`, fullPage: true });
      expect(consoleErrors).toEqual([]);
      expect(siteErrors, log.describe()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
