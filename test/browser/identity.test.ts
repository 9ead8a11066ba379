import type { BrowserContext, Response } from "playwright-core";
import { describe, expect, it } from "vitest";
import { contextOf, pageEventsAt, uniqueId, useBrowserSuite, waitForEvents, withProbe } from "./support/harness";
import { snippetPage } from "./support/pages";
import { callSdk, fireSdk, readIdentity, waitForSdk } from "./support/sdk";

/**
 * Identity lives in first-party cookies (`ajs_anonymous_id`, `ajs_user_id`, plain values) with
 * localStorage mirrors, survives reloads, and `reset()` starts over with a new anonymousId.
 */
describe("identity in the browser", () => {
  const suite = useBrowserSuite("identity");

  async function cookie(context: BrowserContext, name: string) {
    const cookies = (await context.cookies(suite.pages.origin)).filter((entry) => entry.name === name);
    const values = [...new Set(cookies.map((entry) => entry.value))];
    expect(values.length, `at most one value for cookie ${name}: ${JSON.stringify(cookies)}`).toBeLessThanOrEqual(1);
    return cookies[0];
  }

  /** localStorage values may be stored plain or JSON-encoded; either names the same id. */
  function decodeStored(value: string | null): string | null {
    if (value === null) return null;
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === "string" ? parsed : value;
    } catch {
      return value;
    }
  }

  it("identify survives a reload: same userId and anonymousId in the SDK, in cookies, and on the next events", async () => {
    const { context, page, log } = await suite.newTab();
    const path = `/${uniqueId("identify")}/account`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "Account" }));

    await page.goto(url);
    await waitForSdk(page, log);
    const anonymous = await readIdentity(page);
    expect(anonymous.userId).toBeNull();
    expect(typeof anonymous.anonymousId).toBe("string");
    const anonymousId = anonymous.anonymousId!;
    expect(anonymousId.length).toBeGreaterThan(0);

    await callSdk(page, "identify", ["user-42", { plan: "pro" }]);
    const identified = await readIdentity(page);
    expect(identified).toMatchObject({ userId: "user-42", anonymousId });
    expect(identified.traits).toMatchObject({ plan: "pro" });

    await page.reload();
    await waitForSdk(page, log);
    const reloaded = await readIdentity(page);
    expect(reloaded.userId, "analytics.user().id() after reload").toBe("user-42");
    expect(reloaded.anonymousId, "analytics.user().anonymousId() after reload").toBe(anonymousId);

    const probe = uniqueId("after-reload");
    await fireSdk(page, "track", ["After Reload", { probe }]);
    const [track] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track after reload" });
    expect(track).toMatchObject({ type: "track", event: "After Reload", userId: "user-42", anonymousId });

    const [identify] = await waitForEvents(suite.source.id, (event) => event.type === "identify" && event.userId === "user-42", {
      log,
      what: "the identify call",
    });
    expect(identify).toMatchObject({ anonymousId, traits: { plan: "pro" } });
    expect(contextOf(identify!).library?.name).toBe("sluice.js");

    // Two loads, two page calls, one visitor; the one after the reload knows the user.
    const pages = await waitForEvents(suite.source.id, pageEventsAt(path), { count: 2, log, what: "both page calls" });
    expect(pages.map((event) => event.anonymousId)).toEqual([anonymousId, anonymousId]);
    expect(
      pages.filter((event) => event.userId === "user-42"),
      "page call after the reload carries the userId",
    ).toHaveLength(1);

    expect((await cookie(context, "ajs_anonymous_id"))?.value, "cookie ajs_anonymous_id (plain value)").toBe(anonymousId);
    expect((await cookie(context, "ajs_user_id"))?.value, "cookie ajs_user_id (plain value)").toBe("user-42");
    const stored = await page.evaluate(() => ({
      anonymousId: localStorage.getItem("ajs_anonymous_id"),
      userId: localStorage.getItem("ajs_user_id"),
    }));
    expect(decodeStored(stored.anonymousId), "localStorage ajs_anonymous_id").toBe(anonymousId);
    expect(decodeStored(stored.userId), "localStorage ajs_user_id").toBe("user-42");
  });

  it("reset() forgets the user and issues a new anonymousId: the next event has neither the old anonymousId nor a userId", async () => {
    const { context, page, log } = await suite.newTab();
    const path = `/${uniqueId("reset")}/logout`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "Log out" }));
    const userId = uniqueId("user");

    await page.goto(url);
    await waitForSdk(page, log);
    await callSdk(page, "identify", [userId, { plan: "basic" }]);
    const before = await readIdentity(page);
    expect(before.userId).toBe(userId);
    const oldAnonymousId = before.anonymousId!;

    await callSdk(page, "reset", []);
    const after = await readIdentity(page);
    expect(after.userId, "analytics.user().id() after reset()").toBeNull();
    expect(typeof after.anonymousId).toBe("string");
    expect(after.anonymousId, "a new anonymousId after reset()").not.toBe(oldAnonymousId);
    const newAnonymousId = after.anonymousId!;

    const probe = uniqueId("after-reset");
    await fireSdk(page, "track", ["After Reset", { probe }]);
    const [track] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the track after reset()" });
    expect(track).toMatchObject({ type: "track", event: "After Reset", anonymousId: newAnonymousId });
    expect(track!.userId ?? null, "no userId after reset()").toBeNull();

    const [identify] = await waitForEvents(suite.source.id, (event) => event.type === "identify" && event.userId === userId, {
      log,
      what: "the identify before reset()",
    });
    expect(identify!.anonymousId).toBe(oldAnonymousId);

    // The reset is stored, not only in memory: a reload does not bring the user back.
    await page.reload();
    await waitForSdk(page, log);
    const reloaded = await readIdentity(page);
    expect(reloaded.userId, "analytics.user().id() after reset() and a reload").toBeNull();
    expect(reloaded.anonymousId, "analytics.user().anonymousId() after reset() and a reload").toBe(newAnonymousId);
    expect((await cookie(context, "ajs_anonymous_id"))?.value, "cookie ajs_anonymous_id after reset()").toBe(newAnonymousId);
    expect((await cookie(context, "ajs_user_id"))?.value ?? "", "cookie ajs_user_id after reset()").toBe("");
  });

  it("Sluice sets ajs_anonymous_id itself (Set-Cookie), long-lived, with the SDK's anonymousId", async () => {
    const { context, page, log } = await suite.newTab();
    const path = `/${uniqueId("server-cookie")}/home`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: "Home" }));

    // Every Set-Cookie for ajs_anonymous_id that Sluice answers with (bundle or collection).
    const issued: { url: string; header: string }[] = [];
    const reads: Promise<void>[] = [];
    const collect = async (response: Response) => {
      if (!response.url().startsWith(suite.sluice)) return;
      const header = await response.headerValue("set-cookie").catch(() => null);
      for (const line of header?.split("\n") ?? []) {
        if (line.trim().startsWith("ajs_anonymous_id=")) issued.push({ url: response.url(), header: line.trim() });
      }
    };
    page.on("response", (response) => reads.push(collect(response)));

    await page.goto(url);
    await waitForSdk(page, log);
    const { anonymousId } = await readIdentity(page);
    const probe = uniqueId("server-cookie");
    await fireSdk(page, "track", ["Cookie Probe", { probe }]);
    await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the cookie probe track" });
    await page.reload();
    await waitForSdk(page, log);
    const probeAfterReload = uniqueId("server-cookie-reload");
    await fireSdk(page, "track", ["Cookie Probe", { probe: probeAfterReload }]);
    const [afterReload] = await waitForEvents(suite.source.id, withProbe(probeAfterReload), { log, what: "the track after reload" });
    await Promise.all(reads);

    expect(issued.length, `Sluice answered no Set-Cookie: ajs_anonymous_id=...\n${log.describe()}`).toBeGreaterThan(0);
    const week = 7 * 24 * 3600;
    for (const { url: from, header } of issued) {
      const value = decodeURIComponent(/^ajs_anonymous_id=([^;]*)/.exec(header)![1]!);
      expect(value, `Set-Cookie from ${from}: ${header}`).toBe(anonymousId);
      const maxAge = /;\s*max-age=(\d+)/i.exec(header)?.[1];
      const expires = /;\s*expires=([^;]+)/i.exec(header)?.[1];
      const lifetime = maxAge !== undefined ? Number(maxAge) : expires !== undefined ? (Date.parse(expires) - Date.now()) / 1000 : 0;
      expect(lifetime, `lifetime of the server's cookie (${header}): more than Safari's 7-day cap for script cookies`).toBeGreaterThan(week);
    }
    expect(afterReload!.anonymousId).toBe(anonymousId);
    expect((await readIdentity(page)).anonymousId).toBe(anonymousId);
    const jar = await cookie(context, "ajs_anonymous_id");
    expect(jar?.value).toBe(anonymousId);
    expect(jar!.expires - Date.now() / 1000).toBeGreaterThan(week);
  });
});
