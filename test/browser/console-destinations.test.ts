import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startReceiver, type Receiver } from "../support/receiver/receiver";
import { adminFetch, createSource, send, uniqueId, waitUntil } from "../e2e/support/sluice";
import { launchChromium } from "./support/chromium";
import { CONSOLE_ARTIFACTS, openPage, signInToConsole, VIEWPORTS } from "./support/console";

/**
 * The destinations section in Chromium against `npm run dev`: create a webhook destination with
 * the form, try a filter on the prefilled sample event, under the strict CSP (no violation
 * reported), with screenshots of each step at both sizes; then edit one and see the next events
 * follow (a real receiver on loopback), re-drive one dead letter, and preview a filter live on an
 * event picked from the debugger.
 */
describe("console destinations in Chromium", () => {
  const sluice = inject("sluiceBrowserUrl");
  let browser: Browser | undefined;

  /** A destination's endpoint: answers 400 once to each messageId in `refuseOnce`, 200 otherwise. */
  let receiver: Receiver;
  const refuseOnce = new Set<string>();
  const receivedIds = (path: string) => receiver.accepted(path).map((request) => String(request.body.messageId));

  beforeAll(async () => {
    browser = await launchChromium();
    receiver = await startReceiver(({ body }) => (refuseOnce.delete(String(body.messageId)) ? 400 : 200));
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  async function adminJson<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await adminFetch(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

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

  it("edits a destination and the next events follow, re-drives one dead letter, and previews a filter on an event picked from the debugger", async () => {
    const source = await createSource(`Console edit ${uniqueId("source")}`);
    const created = await adminJson<{ destination: { id: string } }>("POST", "/api/v1/destinations", {
      name: "Before the edit",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: receiver.url("/before") },
    });
    const id = created.destination.id;
    const { page, errors } = await signedIn(VIEWPORTS[0]);
    try {
      await page.goto(`${sluice}/console/destinations/${encodeURIComponent(id)}`);
      const name = `Edited hook ${Date.now()}`;
      const edit = page.locator('form[action$="/settings#edit"]');
      await edit.locator('input[name="name"]').fill(name);
      await edit.locator('input[name="url"]').fill(receiver.url("/after"));
      await Promise.all([page.waitForURL(/\?saved=1#edit$/), edit.locator('button[type="submit"]').click()]);
      await page.locator("h1", { hasText: name }).waitFor();
      expect(await page.locator("#edit ~ .notice").textContent()).toContain("Changes saved");
      expect(await page.locator("#settings + dl").textContent()).toContain(receiver.url("/after"));

      const add = page.locator('form[action$="/filters"]');
      await add.locator('input[name="title"]').fill("No blocked events");
      await add.locator('input[name="if"]').fill('event = "Blocked Event"');
      await add.locator('select[name="action"]').selectOption("DROP");
      await Promise.all([page.waitForURL(/#filters$/), add.locator('button[type="submit"]').click()]);
      expect(await page.locator("ol.filters").textContent()).toContain('event = "Blocked Event"');
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-edited-desktop.png`, fullPage: true });

      // The next events: the blocked one is dropped by the new filter, the other goes to the new URL.
      const ids = { blocked: uniqueId("blocked"), allowed: uniqueId("allowed") };
      const sent = await send(
        "/v1/batch",
        {
          batch: [
            { type: "track", event: "Blocked Event", userId: "u1", messageId: ids.blocked },
            { type: "track", event: "Allowed Event", userId: "u1", messageId: ids.allowed },
          ],
        },
        { writeKey: source.writeKey },
      );
      expect(sent.status).toBe(200);
      await waitUntil(
        "the allowed event at the new URL, and the blocked one discarded by the filter",
        async () => {
          const metrics = await adminJson<{ discardedByReason: Record<string, number> }>("GET", `/api/v1/destinations/${id}/delivery`);
          return { delivered: receivedIds("/after"), filtered: metrics.discardedByReason["Filtered at destination"] ?? 0 };
        },
        ({ delivered, filtered }) => delivered.includes(ids.allowed) && filtered === 1,
        { timeoutMs: 30_000 },
      );
      expect(receivedIds("/after")).toEqual([ids.allowed]);
      expect(receiver.requests.filter((request) => request.path === "/before")).toEqual([]);

      // Two events the destination refuses (400 once each) become dead letters; only one is re-driven.
      const letters = { chosen: uniqueId("chosen"), left: uniqueId("left") };
      refuseOnce.add(letters.chosen).add(letters.left);
      const refused = Object.values(letters).map((messageId) => ({ type: "track", event: "Refused Event", userId: "u1", messageId }));
      expect((await send("/v1/batch", { batch: refused }, { writeKey: source.writeKey })).status).toBe(200);
      const listed = await waitUntil(
        "2 dead letters",
        () => adminJson<{ deadLetters: { id: string; events: { messageId: string }[] }[] }>("GET", `/api/v1/destinations/${id}/dead-letters`),
        (answer) => answer.deadLetters.length === 2,
        { timeoutMs: 30_000 },
      );
      const keyOf = (messageId: string) => listed.deadLetters.find((letter) => letter.events[0]?.messageId === messageId)!.id;
      await page.reload();
      const chosen = page.locator(".dead-letters li").filter({ has: page.locator(`input[name="id"][value="${keyOf(letters.chosen)}"]`) });
      await Promise.all([page.waitForURL(/\/dead-letters\/redrive$/), chosen.getByRole("button", { name: "Re-drive" }).click()]);
      expect(await page.locator(".notice").textContent()).toContain("Re-drove the dead letter: 1 event(s) queued again");
      await waitUntil(
        "the re-driven dead letter delivered",
        () => receivedIds("/after"),
        (delivered) => delivered.includes(letters.chosen),
        {
          timeoutMs: 30_000,
        },
      );
      expect(receivedIds("/after")).not.toContain(letters.left);
      const remaining = await adminJson<{ deadLetters: { id: string }[] }>("GET", `/api/v1/destinations/${id}/dead-letters`);
      expect(remaining.deadLetters.map((letter) => letter.id)).toEqual([keyOf(letters.left)]);
      expect(await page.locator(".dead-letters li").count()).toBe(1);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-redriven-desktop.png`, fullPage: true });

      // The filter preview on an event picked from the source's debugger, live as it is typed.
      const preview = page.locator('form[action$="/preview#preview-result"]');
      const verdict = page.locator("#preview-result");
      expect(await preview.locator('select[name="debuggerSource"]').inputValue()).toBe(source.id);
      const allowed = preview.locator('select[name="entry"] option', { hasText: '"Allowed Event"' });
      expect(await allowed.textContent()).toMatch(/^track "Allowed Event" · user u1 · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      await preview.locator('input[name="if"]').fill('event = "Allowed Event"');
      await preview.locator('select[name="action"]').selectOption("DROP");
      const allowedEntry = await allowed.getAttribute("value");
      expect(allowedEntry).toBe(ids.allowed); // an accepted event's entry id is its messageId
      await preview.locator('select[name="entry"]').selectOption(allowedEntry ?? "");
      await verdict.getByText('Tried on track "Allowed Event"').waitFor();
      expect(await verdict.textContent()).toContain("Matched");
      expect(await verdict.textContent()).toContain("Dropped: the destination would not receive this event.");
      expect(await preview.locator('textarea[name="event"]').inputValue()).toContain(ids.allowed);
      await page.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-debugger-preview-desktop.png`, fullPage: true });

      await preview.locator('input[name="if"]').fill('event = "Blocked Event"');
      await verdict.getByText("Not matched").waitFor();
      expect(await verdict.textContent()).toContain("The destination would receive:");
      expect(await verdict.locator("pre").textContent()).toContain(ids.allowed);
      await verdict.screenshot({ path: `${CONSOLE_ARTIFACTS}destination-debugger-preview-verdict-desktop.png` });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
