import { describe, expect, it } from "vitest";
import { contextOf, pageEventsAt, uniqueId, useBrowserSuite, waitForEvents, withProbe } from "./support/harness";
import { scriptTagPage } from "./support/pages";
import { fireSdk, waitForSdk } from "./support/sdk";

/** utm_* query parameters become `context.campaign` on the landing page only. */
describe("campaign parameters", () => {
  const suite = useBrowserSuite("campaign");

  it("utm_* on the landing URL fill context.campaign; the next page without them has no campaign", async () => {
    const { page, log } = await suite.newTab();
    const dir = `/${uniqueId("campaign")}`;
    const utm = "utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero";
    const landing = suite.pages.page(
      `${dir}/landing`,
      scriptTagPage(suite.sluice, suite.source.writeKey, {
        title: "Landing",
        body: `<a id="next" href="${dir}/next">Next</a>`,
      }),
    );
    const next = suite.pages.page(`${dir}/next`, scriptTagPage(suite.sluice, suite.source.writeKey, { title: "Next" }));

    await page.goto(`${landing}?${utm}`);
    await waitForSdk(page, log);
    const landingProbe = uniqueId("landing");
    await fireSdk(page, "track", ["Hero Viewed", { probe: landingProbe }]);

    const [landed] = await waitForEvents(suite.source.id, pageEventsAt(`${dir}/landing`), { log, what: "the landing page call" });
    const campaign = { source: "news", medium: "email", name: "spring", term: "shoes", content: "hero" };
    expect(contextOf(landed!).campaign).toEqual(campaign);
    expect(contextOf(landed!).page).toMatchObject({ search: `?${utm}`, url: `${landing}?${utm}` });
    const [hero] = await waitForEvents(suite.source.id, withProbe(landingProbe), { log, what: "the track on the landing page" });
    expect(contextOf(hero!).campaign, "a track on the landing page carries the campaign too").toEqual(campaign);

    await Promise.all([page.waitForURL(next), page.click("#next")]);
    await waitForSdk(page, log);
    const nextProbe = uniqueId("next");
    await fireSdk(page, "track", ["Product Viewed", { probe: nextProbe }]);

    const [nextPage] = await waitForEvents(suite.source.id, pageEventsAt(`${dir}/next`), { log, what: "the next page call" });
    expect(contextOf(nextPage!).campaign ?? {}, "campaign is not persisted to later pages").toEqual({});
    expect(contextOf(nextPage!).page).toMatchObject({ search: "", referrer: `${landing}?${utm}` });
    const [product] = await waitForEvents(suite.source.id, withProbe(nextProbe), { log, what: "the track on the next page" });
    expect(contextOf(product!).campaign ?? {}).toEqual({});
    expect(nextPage!.anonymousId).toBe(landed!.anonymousId);
  });
});
