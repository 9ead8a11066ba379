import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startReceiver, type Receiver } from "../support/receiver/receiver";
import { adminFetch, createSource, send, uniqueId, waitForMessages, waitUntil, type ArchivedEvent, type Source } from "../e2e/support/sluice";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, openPage, signInToConsole } from "./support/console";

/**
 * Replays in the console, in Chromium against `npm run dev`: a source's archived history, sent
 * again to a webhook destination created after it, started from the console's form with its
 * range, event names and rate; the replay's page follows it to the end on its own, and the
 * destination gets exactly the events the form selected. A second replay, into a destination
 * that keeps failing (so it can only end by a cancel), is cancelled from its page.
 */
describe("console replays in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;
  let receiver: Receiver;
  let source: Source;
  let archived: ArchivedEvent[];
  /** The seeded events by what the test calls them. */
  const ids = {
    exported: [uniqueId("exported-1"), uniqueId("exported-2"), uniqueId("exported-3")],
    pricing: uniqueId("pricing"),
    signedUp: uniqueId("signed-up"),
    identify: uniqueId("identify"),
  };

  beforeAll(async () => {
    [browser, receiver] = await Promise.all([launchChromium(), startReceiver()]);
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
    source = await createSource(`Replay journey ${uniqueId("history")}`);
    const user = { userId: "replay-user" };
    const sent = await send(
      "/v1/batch",
      {
        batch: [
          ...ids.exported.map((messageId, index) => ({ ...user, type: "track", event: "Report Exported", messageId, properties: { index } })),
          { ...user, type: "page", name: "Pricing", messageId: ids.pricing },
          { ...user, type: "track", event: "Signed Up", messageId: ids.signedUp },
          { ...user, type: "identify", traits: { plan: "pro" }, messageId: ids.identify },
        ],
      },
      { writeKey: source.writeKey },
    );
    expect(sent.status, sent.text).toBe(200);
    const all = [...ids.exported, ids.pricing, ids.signedUp, ids.identify];
    archived = [...(await waitForMessages(source.id, all, 20_000)).values()];
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  /** A webhook destination of the source, created after its events were archived: it got none of them live. */
  async function webhook(name: string, url: string): Promise<string> {
    const response = await adminFetch("/api/v1/destinations", {
      method: "POST",
      body: JSON.stringify({ name, type: "webhook", enabled: true, sourceIds: [source.id], settings: { url } }),
    });
    const body = (await response.json()) as { destination?: { id: string } };
    expect(response.status, JSON.stringify(body)).toBe(201);
    return body.destination!.id;
  }

  /** `2026-05-01T10:00:07` for a datetime-local input (UTC), `seconds` after `ms` rounded down to the second. */
  const localInput = (ms: number, seconds = 0) => new Date(Math.floor(ms / 1000) * 1000 + seconds * 1000).toISOString().slice(0, 19);
  /** The seeded events' `receivedAt`, to the second: `[first(), last())` holds them all. */
  const first = () => localInput(Math.min(...archived.map((event) => Date.parse(event.receivedAt))));
  const last = () => localInput(Math.max(...archived.map((event) => Date.parse(event.receivedAt))), 1);

  /** Fills the start form; `eventNames` one per line. */
  async function fillForm(page: Page, form: { destinationId: string; from: string; to: string; eventNames?: string; ratePerSecond?: string }): Promise<void> {
    await page.selectOption('select[name="sourceId"]', source.id);
    await page.check(`input[name="destinationIds"][value="${form.destinationId}"]`);
    await page.fill('input[name="from"]', form.from);
    await page.fill('input[name="to"]', form.to);
    await page.fill('textarea[name="eventNames"]', form.eventNames ?? "");
    await page.fill('input[name="ratePerSecond"]', form.ratePerSecond ?? "");
  }

  /** The replay page's status pill and its "n of m done" line, read without reloading (the page refreshes itself while running). */
  const shownState = async (page: Page) => ({
    status: (await page.locator(".crumbs .pill").textContent({ timeout: 2_000 }))?.trim() ?? "",
    progress: (await page.locator("main .panel p").first().textContent({ timeout: 2_000 })) ?? "",
  });

  it("starts a replay with the form's range, event names and rate; its page follows it to finished; the destination gets exactly those events", async () => {
    const { page, errors } = await openPage(browser!, { width: 1280, height: 800 });
    try {
      const hook = `/replayed/${uniqueId("hook")}`;
      const destinationId = await webhook(`Replay target ${uniqueId("dst")}`, receiver.url(hook));
      await signInToConsole(page, sluice);
      await Promise.all([page.waitForURL(`${sluice}/console/replays`), page.click('nav >> text="Replays"')]);
      await page.locator("h2", { hasText: "Start a replay" }).waitFor();

      const [from, to] = [first(), last()];

      // Backwards: refused, saying what to fix, with everything typed kept.
      await fillForm(page, { destinationId, from: to, to: from, eventNames: "Report Exported\nPricing", ratePerSecond: "2" });
      await Promise.all([page.waitForURL(`${sluice}/console/replays`), page.click('button:text-is("Start replay")')]);
      expect(await page.locator("p.error").textContent()).toBe(
        "From must be before To: a replay sends the events received from From up to, not including, To.",
      );
      expect(await page.inputValue('textarea[name="eventNames"]')).toBe("Report Exported\nPricing");
      expect(await page.inputValue('input[name="ratePerSecond"]')).toBe("2");
      expect(await page.isChecked(`input[name="destinationIds"][value="${destinationId}"]`)).toBe(true);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replay-form-error-desktop.png`, fullPage: true });

      // Two names (a track's and a page's) leave out the other track and the identify; 2 events a second.
      await fillForm(page, { destinationId, from, to, eventNames: "Report Exported\nPricing", ratePerSecond: "2" });
      await Promise.all([page.waitForURL(/\/console\/replays\/rpl_[A-Za-z0-9]+$/), page.click('button:text-is("Start replay")')]);
      const path = new URL(page.url()).pathname;
      expect(await page.locator("main").textContent()).toMatch(/\d+ of \d+ done/);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replay-started-desktop.png`, fullPage: true });

      // The page refreshes itself while the replay runs: read it, never reload it.
      const seen = new Set<string>();
      const finished = await waitUntil(
        `replay ${path} to show finished`,
        () => shownState(page),
        (state) => (seen.add(`${state.status}: ${state.progress}`), state.status !== "running"),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(finished.status, [...seen].join("\n")).toBe("finished");
      expect(finished.progress).toContain("4 of 4 done: 4 sent, 0 discarded, 0 failed.");
      expect(page.url()).toBe(`${sluice}${path}`);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      expect(await page.locator("button", { hasText: "Cancel replay" }).count()).toBe(0);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replay-finished-desktop.png`, fullPage: true });

      // Exactly the selected events, each once.
      const delivered = receiver.accepted(hook).map(({ body }) => String(body.messageId));
      expect(delivered.sort()).toEqual([...ids.exported, ids.pricing].sort());

      await Promise.all([page.waitForURL(`${sluice}/console/replays`), page.click('a:text-is("Replays")')]);
      const row = page.locator("table.list tr", { has: page.locator(`a[href="${path}"]`) });
      expect(await row.locator(".pill").textContent()).toBe("finished");
      expect(await row.textContent()).toContain("4 / 4");
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replays-history-desktop.png`, fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("cancels a running replay from its page", async () => {
    const { page, errors } = await openPage(browser!, { width: 1280, height: 800 });
    try {
      // Every request answered 503: the replay keeps the events waiting for a retry and can only end by a cancel.
      const hook = `/failing/${uniqueId("hook")}`;
      const destinationId = await webhook(`Failing target ${uniqueId("dst")}`, `${receiver.url(hook)}?fail=503x1000`);
      await signInToConsole(page, sluice);
      await page.goto(`${sluice}/console/replays`);
      await fillForm(page, { destinationId, from: first(), to: last() });
      await Promise.all([page.waitForURL(/\/console\/replays\/rpl_[A-Za-z0-9]+$/), page.click('button:text-is("Start replay")')]);
      const path = new URL(page.url()).pathname;
      expect((await shownState(page)).status).toBe("running");
      // It has tried the destination (and was refused) before the cancel.
      await waitUntil(
        `replay ${path} to try the failing destination`,
        () => receiver.requests.filter((request) => request.path === hook).length,
        (n) => n > 0,
      );
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replay-running-desktop.png`, fullPage: true });

      // The page may refresh itself under the click; the click is retried on the new page.
      await Promise.all([page.waitForURL(`${sluice}${path}`), page.click('button:text-is("Cancel replay")')]);
      const cancelled = await waitUntil(
        `replay ${path} to show it was cancelled`,
        () => shownState(page),
        (state) => state.status !== "running",
        {
          intervalMs: 250,
        },
      );
      expect(cancelled.status).toBe("cancelled");
      expect(await page.locator('p.notice[role="status"]').textContent()).toBe("Cancelled by an admin: what was sent stays sent, nothing more goes out.");
      expect(await page.locator("table.list .pill").allTextContents()).toEqual(["cancelled"]);
      expect(await page.locator("button", { hasText: "Cancel replay" }).count()).toBe(0);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      expect(receiver.accepted(hook)).toEqual([]);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}replay-cancelled-desktop.png`, fullPage: true });

      // The admin API says the same in its own statuses.
      const id = path.split("/").at(-1)!;
      const answer = (await (await adminFetch(`/api/v1/replays/${id}`)).json()) as { replay: { status: string; error?: string } };
      expect(answer.replay).toMatchObject({ status: "failed", error: "cancelled by an admin" });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
