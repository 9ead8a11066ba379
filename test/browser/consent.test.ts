import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  contextOf,
  countByMessageId,
  drain,
  propertiesOf,
  readArchive,
  uniqueId,
  useBrowserSuite,
  waitForEvents,
  withProbe,
  type ArchivedEvent,
  type Tab,
} from "./support/harness";
import { snippetPage, type LoadOptions } from "./support/pages";
import { callSdk, fireSdk, readIdentity, waitForSdk } from "./support/sdk";

const CONSENT_EVENT = "Segment Consent Preference Updated";

const consentOf = (event: ArchivedEvent) => (contextOf(event).consent as { categoryPreferences?: unknown } | undefined)?.categoryPreferences;

/**
 * Consent as the snippet passes it (`analytics.load(writeKey, {consent})`, read by the SDK from
 * the snippet's `_loadOptions`) and as `analytics.setConsent()` updates it: known preferences
 * are stamped on every event's `context.consent`; the opt-in model holds everything back until
 * the visitor decides, then sends (accepted) or drops (declined) what waited.
 */
describe("consent", () => {
  const suite = useBrowserSuite("consent");

  /** A snippet page loaded with `loadOptions`; counts the batches the page POSTs. */
  async function open(name: string, loadOptions: LoadOptions): Promise<Tab & { path: string; anonymousId: string; batches: () => number }> {
    const tab = await suite.newTab();
    let batches = 0;
    tab.page.on("request", (request) => {
      if (request.method() === "POST" && request.url().startsWith(`${suite.sluice}/v1/`)) batches++;
    });
    const path = `/${uniqueId(name)}/page`;
    const url = suite.pages.page(path, snippetPage(suite.sluice, suite.source.writeKey, { title: `Consent ${name}` }, loadOptions));
    await tab.page.goto(url);
    await waitForSdk(tab.page, tab.log);
    const { anonymousId } = await readIdentity(tab.page);
    return { ...tab, path, anonymousId: anonymousId!, batches: () => batches };
  }

  const visitor = (anonymousId: string) => (event: ArchivedEvent) => event.anonymousId === anonymousId;

  /** Fires a track and an identify (besides the snippet's page call) while consent is pending. */
  async function fireWhilePending(page: Page, probe: string): Promise<void> {
    await fireSdk(page, "track", ["Pending Track", { probe, n: 1 }]);
    await fireSdk(page, "identify", [{ probe }]);
    await fireSdk(page, "track", ["Pending Track", { probe, n: 2 }]);
  }

  it("load(key, {consent: {categoryPreferences}}): every event carries context.consent.categoryPreferences", async () => {
    const categoryPreferences = { Advertising: false, Analytics: true };
    const { page, log, path, anonymousId } = await open("preferences", { consent: { categoryPreferences } });
    const probe = uniqueId("preferences");

    await fireSdk(page, "track", ["Consented Track", { probe }]);
    await fireSdk(page, "identify", ["consenting-user", { probe }]);
    await fireSdk(page, "group", ["consenting-group"]);
    await drain(page, suite.source.id, log);

    const events = (await readArchive({ sourceId: suite.source.id })).filter(visitor(anonymousId));
    expect(events.map((event) => event.type).sort(), "the page call, track, identify, group and the sentinel").toEqual([
      "group",
      "identify",
      "page",
      "track",
      "track",
    ]);
    expect(events.find((event) => event.type === "page")!.properties).toMatchObject({ path });
    for (const event of events) {
      expect(consentOf(event), `context.consent of the ${event.type} ${JSON.stringify(event.event ?? "")}`).toEqual(categoryPreferences);
    }
  });

  it("opt-in without preferences: nothing is sent until setConsent({Analytics: true}), then the held events arrive stamped, with the consent event", async () => {
    const { page, log, path, anonymousId, batches } = await open("opt-in", { consent: { model: "opt-in" } });
    const probe = uniqueId("opt-in");

    await fireWhilePending(page, probe);
    // Anything sent before consent would arrive without the consent stamp or twice: the checks
    // after the held events land (stamped, each once) prove nothing left early.
    expect(batches(), "POSTs to the Tracking API before consent").toBe(0);

    await callSdk(page, "setConsent", [{ Analytics: true }]);
    const isHeld = (event: ArchivedEvent) =>
      visitor(anonymousId)(event) && (event.type === "page" || propertiesOf(event).probe === probe || event.type === "identify");
    const held = await waitForEvents(suite.source.id, isHeld, { count: 4, log, what: "the page call, 2 tracks and identify held for consent" });
    const [consentEvent] = await waitForEvents(suite.source.id, (event) => visitor(anonymousId)(event) && event.event === CONSENT_EVENT, {
      log,
      what: `the "${CONSENT_EVENT}" track`,
    });

    expect(held.find((event) => event.type === "page")!.properties).toMatchObject({ path });
    expect(
      held
        .filter((event) => event.type === "track")
        .map((event) => propertiesOf(event).n)
        .sort(),
    ).toEqual([1, 2]);
    for (const event of [...held, consentEvent!]) {
      expect(consentOf(event), `context.consent of the ${event.type} ${JSON.stringify(event.event ?? "")}`).toEqual({ Analytics: true });
    }
    await drain(page, suite.source.id, log);
    const all = await readArchive({ sourceId: suite.source.id });
    const counts = countByMessageId(all);
    expect(
      all.filter(visitor(anonymousId)).map((event) => counts.get(event.messageId)),
      "each event once",
    ).toSatisfy((list: unknown[]) => list.every((count) => count === 1));
    expect(all.filter(isHeld), "the held events, once each").toHaveLength(4);
  });

  it("opt-in, then setConsent with every category false: the held events are dropped for good; a later opt-in sends only what follows it", async () => {
    const { page, log, anonymousId, batches } = await open("declined", { consent: { model: "opt-in" } });
    const probe = uniqueId("declined");

    await fireWhilePending(page, probe);
    await callSdk(page, "setConsent", [{ Analytics: false, Advertising: false }]);
    expect(batches(), "POSTs to the Tracking API after declining").toBe(0);

    // The visitor changes their mind: the pipe works again, for what follows.
    await callSdk(page, "setConsent", [{ Analytics: true, Advertising: false }]);
    const after = uniqueId("after-opt-in");
    await fireSdk(page, "track", ["After Opt-In", { probe: after }]);
    const [sent] = await waitForEvents(suite.source.id, withProbe(after), { log, what: "the track after opting in" });
    expect(consentOf(sent!)).toEqual({ Analytics: true, Advertising: false });
    await drain(page, suite.source.id, log);

    const all = (await readArchive({ sourceId: suite.source.id })).filter(visitor(anonymousId));
    expect(
      all.filter((event) => event.type === "page"),
      "the page call held before declining",
    ).toEqual([]);
    expect(
      all.filter((event) => event.type === "identify"),
      "the identify held before declining",
    ).toEqual([]);
    expect(all.filter(withProbe(probe)), "the tracks held before declining").toEqual([]);
    expect(all.filter((event) => event.event === CONSENT_EVENT).map(consentOf), "one consent event: the opt-in's").toEqual([
      { Analytics: true, Advertising: false },
    ]);
  });

  it("opt-in with every category declined in load(): nothing is sent", async () => {
    const declined = { Analytics: false, Advertising: false };
    const { page, log, anonymousId, batches } = await open("declined-at-load", { consent: { model: "opt-in", categoryPreferences: declined } });
    const probe = uniqueId("declined-at-load");

    await fireWhilePending(page, probe);
    expect(batches(), "POSTs to the Tracking API").toBe(0);

    // The sentinel: opting in sends what follows; once it is archived, what came before would be too.
    await callSdk(page, "setConsent", [{ Analytics: true }]);
    const after = uniqueId("after-opt-in");
    await fireSdk(page, "track", ["After Opt-In", { probe: after }]);
    await waitForEvents(suite.source.id, withProbe(after), { log, what: "the track after opting in" });
    await drain(page, suite.source.id, log);
    const all = (await readArchive({ sourceId: suite.source.id })).filter(visitor(anonymousId));
    expect(
      all.filter((event) => event.type === "page" || event.type === "identify" || withProbe(probe)(event)),
      "events made while every category was declined",
    ).toEqual([]);
  });

  it("opt-in, declined: events tracked while every category is declined are not sent when the visitor opts in later", async () => {
    const { page, log } = await open("while-declined", { consent: { model: "opt-in" } });
    const probe = uniqueId("while-declined");

    await callSdk(page, "setConsent", [{ Analytics: false, Advertising: false }]);
    await fireSdk(page, "track", ["While Declined", { probe }]);

    await callSdk(page, "setConsent", [{ Analytics: true }]);
    const after = uniqueId("after-opt-in");
    await fireSdk(page, "track", ["After Opt-In", { probe: after }]);
    await waitForEvents(suite.source.id, withProbe(after), { log, what: "the track after opting in" });
    await drain(page, suite.source.id, log);

    const leaked = (await readArchive({ sourceId: suite.source.id })).filter(withProbe(probe));
    expect(
      leaked.map((event) => ({ event: event.event, consent: consentOf(event) })),
      "a track made while every category was declined",
    ).toEqual([]);
  });
});
