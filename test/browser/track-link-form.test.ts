import { describe, expect, it } from "vitest";
import { propertiesOf, uniqueId, useBrowserSuite, waitForEvents, withProbe } from "./support/harness";
import { plainPage, snippetPage } from "./support/pages";
import { waitForSdk } from "./support/sdk";

/**
 * trackLink and trackForm hold the navigation back just long enough to send the event, then
 * carry it out: the user lands where the link or form leads, and the event arrives.
 */
describe("trackLink and trackForm", () => {
  const suite = useBrowserSuite("track-link-form");

  it('trackLink(a, "Clicked Link", {p: 1}): clicking still navigates to the link\'s page, and the event arrives', async () => {
    const { page, log } = await suite.newTab();
    const dir = `/${uniqueId("track-link")}`;
    // The next page has no analytics: only what the SDK sent from the first page can arrive.
    const target = suite.pages.page(`${dir}/pricing`, plainPage({ title: "Pricing" }));
    const from = suite.pages.page(
      `${dir}/home`,
      snippetPage(suite.sluice, suite.source.writeKey, { title: "Home", body: `<a id="pricing" href="${dir}/pricing">Pricing</a>` }),
    );
    const probe = uniqueId("link");

    await page.goto(from);
    await waitForSdk(page, log);
    await page.evaluate((probe) => {
      window.analytics!.trackLink(document.getElementById("pricing")!, "Clicked Link", { p: 1, probe });
    }, probe);
    await Promise.all([page.waitForURL(target, { timeout: 10_000 }), page.click("#pricing")]);
    expect(await page.title()).toBe("Pricing");

    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the trackLink event" });
    expect(event).toMatchObject({ type: "track", event: "Clicked Link" });
    expect(propertiesOf(event!)).toMatchObject({ p: 1 });
    expect((event!.context.page as Record<string, unknown> | undefined)?.url, "sent from the page with the link").toBe(from);
  });

  it('trackForm(form, "Signed Up"): submitting still submits the form (the action page loads with its fields), and the event arrives', async () => {
    const { page, log } = await suite.newTab();
    const dir = `/${uniqueId("track-form")}`;
    // (No control named or with the id "submit": it would shadow form.submit(), in any analytics.js.)
    const thanks = suite.pages.page(`${dir}/thanks`, plainPage({ title: "Thanks" }));
    const form = `<form id="signup" method="get" action="${dir}/thanks">
<input name="email" value="ada@example.com">
<button id="send" type="submit">Sign up</button>
</form>`;
    const from = suite.pages.page(`${dir}/signup`, snippetPage(suite.sluice, suite.source.writeKey, { title: "Sign up", body: form }));
    const probe = uniqueId("form");

    await page.goto(from);
    await waitForSdk(page, log);
    await page.evaluate((probe) => {
      window.analytics!.trackForm(document.getElementById("signup")!, "Signed Up", { probe });
    }, probe);
    await Promise.all([page.waitForURL(`${thanks}?email=ada%40example.com`, { timeout: 10_000 }), page.click("#send")]);
    expect(await page.title()).toBe("Thanks");
    expect(suite.pages.requests, "the page server received the submission, once").toEqual(expect.arrayContaining([`${dir}/thanks?email=ada%40example.com`]));
    expect(suite.pages.requests.filter((request) => request.startsWith(`${dir}/thanks`))).toHaveLength(1);

    const [event] = await waitForEvents(suite.source.id, withProbe(probe), { log, what: "the trackForm event" });
    expect(event).toMatchObject({ type: "track", event: "Signed Up" });
    expect((event!.context.page as Record<string, unknown> | undefined)?.url, "sent from the form's page").toBe(from);
  });
});
