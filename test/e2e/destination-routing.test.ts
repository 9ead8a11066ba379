import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "../support/receiver/receiver";
import { adminFetch, createSource, send, uniqueId, waitUntil, type Source } from "./support/sluice";

/**
 * Which events reach a destination, on `npm run dev` with a real HTTP receiver: consent
 * categories, the integrations object, every FQL operator and function and every filter action
 * (fail-closed included), and a retried event that arrives exactly once. Assertions are on what
 * the receiver got, once the destination's delivery metrics account for every event sent.
 */

interface Metrics {
  delivered: number;
  failed: number;
  retrying: number;
  retriesScheduled: number;
  discarded: number;
  discardedByReason: Record<string, number>;
  p95LatencyMs: number | null;
}

type Action =
  { type: "DROP" } | { type: "DROP_PROPERTIES" | "ALLOW_PROPERTIES"; fields: Record<string, string[]> } | { type: "SAMPLE"; percent: number; path?: string };

type Event = Record<string, unknown>;

let receiver: Receiver;
/** messageId → 5xx answers still to give before accepting it. */
const failuresLeft = new Map<string, number>();

beforeAll(async () => {
  receiver = await startReceiver(({ body }) => {
    const id = String(body.messageId);
    const left = failuresLeft.get(id) ?? 0;
    if (left === 0) return 200;
    failuresLeft.set(id, left - 1);
    return 500;
  });
});

afterAll(() => receiver.close());

async function api<T>(method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
  const response = await adminFetch(path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as T };
}

/** A webhook destination on `source` posting to the receiver's `path`; answers its id. */
async function createDestination(source: Source, name: string, path: string, consentCategories: string[] = []): Promise<string> {
  const created = await api<{ destination: { id: string } }>("POST", "/api/v1/destinations", {
    name,
    type: "webhook",
    sourceIds: [source.id],
    settings: { url: receiver.url(path) },
    consentCategories,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.destination.id;
}

async function addFilter(
  destinationId: string,
  condition: string,
  actions: Action[] = [{ type: "DROP" }],
): Promise<{ status: number; body: { error?: string } }> {
  return api("POST", `/api/v1/destinations/${destinationId}/filters`, { title: condition.slice(0, 200), if: condition, actions });
}

async function addFilters(destinationId: string, filters: [condition: string, actions?: Action[]][]): Promise<void> {
  for (const [condition, actions] of filters) {
    const added = await addFilter(destinationId, condition, actions);
    expect(added.status, `${condition}: ${JSON.stringify(added.body)}`).toBe(201);
  }
}

async function deliveryMetrics(destinationId: string): Promise<Metrics> {
  return (await api<Metrics>("GET", `/api/v1/destinations/${destinationId}/delivery`)).body;
}

/** Sends labelled events in one /v1/batch; each label becomes its event's messageId prefix. */
async function sendBatch(source: Source, events: Record<string, Event>): Promise<void> {
  const batch = Object.entries(events).map(([label, event]) => ({
    type: "track",
    userId: "routing-user",
    event: "Routed",
    ...event,
    messageId: uniqueId(label),
  }));
  const answer = await send("/v1/batch", { batch }, { writeKey: source.writeKey });
  expect(answer.status, answer.text).toBe(200);
}

/** The label of an event the receiver got (messageIds are `<label>-<uuid>`). */
const labelOf = (body: Event) => String(body.messageId).slice(0, -37);

/** Labels of the events the receiver accepted on `path`, sorted. */
const labelsAt = (path: string) =>
  receiver
    .accepted(path)
    .map(({ body }) => labelOf(body))
    .sort();

/** The body the receiver accepted on `path` for the event labelled `label`. */
const bodyAt = (path: string, label: string) => receiver.accepted(path).find(({ body }) => labelOf(body) === label)?.body;

/**
 * Waits until each destination's metrics account for all `total` events (delivered, failed or
 * discarded): counts are recorded after the receiver answered, so the receiver has it all then.
 */
function waitUntilSettled(destinationIds: readonly string[], total: number): Promise<Metrics[]> {
  return waitUntil(
    `the metrics of destinations ${destinationIds.join(", ")} to account for ${total} events each`,
    () => Promise.all(destinationIds.map(deliveryMetrics)),
    (metrics) => metrics.every((m) => m.delivered + m.failed + m.discarded >= total),
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

const sorted = (labels: string[]) => [...labels].sort();

describe("destination routing on wrangler dev", () => {
  it("applies consent categories as Segment documents them, and counts the drops", async () => {
    const source = await createSource(`consent ${uniqueId("e2e")}`);
    const analytics = await createDestination(source, "Analytics Tool", "/consent/analytics", ["Analytics"]);
    const ads = await createDestination(source, "Ads Tool", "/consent/ads", ["Advertising", "Analytics"]);
    const functional = await createDestination(source, "Functional Tool", "/consent/functional", ["Functional"]);
    const unmapped = await createDestination(source, "Unmapped Tool", "/consent/unmapped");
    const consent = (categoryPreferences: Record<string, boolean>) => ({ context: { consent: { categoryPreferences } } });
    await sendBatch(source, {
      analyticsAndAds: consent({ Analytics: true, Advertising: true }),
      analyticsNotAds: consent({ Analytics: true, Advertising: false }),
      adsNotAnalytics: consent({ Analytics: false, Advertising: true }),
      functionalOnly: consent({ Functional: true }),
      noConsent: {},
    });

    const metrics = await waitUntilSettled([analytics, ads, functional, unmapped], 5);
    expect(labelsAt("/consent/analytics")).toEqual(sorted(["analyticsAndAds", "analyticsNotAds", "noConsent"]));
    // Mapped to two categories: both must be true.
    expect(labelsAt("/consent/ads")).toEqual(sorted(["analyticsAndAds", "noConsent"]));
    // A mapped category the consent object does not name counts as not consented.
    expect(labelsAt("/consent/functional")).toEqual(sorted(["functionalOnly", "noConsent"]));
    // Unmapped destinations need no consent: they get every event.
    expect(labelsAt("/consent/unmapped")).toEqual(sorted(["analyticsAndAds", "analyticsNotAds", "adsNotAnalytics", "functionalOnly", "noConsent"]));

    const consentDrops = (discarded: number) => ({ discarded, discardedByReason: discarded ? { "Filtered by end user consent": discarded } : {} });
    expect(metrics[0]).toMatchObject({ delivered: 3, ...consentDrops(2) });
    expect(metrics[1]).toMatchObject({ delivered: 2, ...consentDrops(3) });
    expect(metrics[2]).toMatchObject({ delivered: 2, ...consentDrops(3) });
    expect(metrics[3]).toMatchObject({ delivered: 5, ...consentDrops(0) });
  });

  it("honours the integrations object by the destination's exact name", async () => {
    const source = await createSource(`integrations ${uniqueId("e2e")}`);
    const alpha = await createDestination(source, "Alpha Hook", "/integrations/alpha");
    const beta = await createDestination(source, "Beta Hook", "/integrations/beta");
    await sendBatch(source, {
      noIntegrations: {},
      allowListAlpha: { integrations: { All: false, "Alpha Hook": true } },
      denyAlpha: { integrations: { "Alpha Hook": false } },
      // Names are case-sensitive: a wrong-case name neither allows nor denies.
      allowListWrongCase: { integrations: { All: false, "alpha hook": true } },
      denyWrongCase: { integrations: { "alpha hook": false } },
      // An object (destination options) enables, as `true` does.
      optionsEnableBeta: { integrations: { All: false, "Beta Hook": { someOption: 1 } } },
    });

    const [alphaMetrics, betaMetrics] = await waitUntilSettled([alpha, beta], 6);
    expect(labelsAt("/integrations/alpha")).toEqual(sorted(["noIntegrations", "allowListAlpha", "denyWrongCase"]));
    expect(labelsAt("/integrations/beta")).toEqual(sorted(["noIntegrations", "denyAlpha", "denyWrongCase", "optionsEnableBeta"]));
    expect(alphaMetrics).toMatchObject({ delivered: 3, discarded: 3, discardedByReason: { "Filtered by the integrations object": 3 } });
    expect(betaMetrics).toMatchObject({ delivered: 4, discarded: 2, discardedByReason: { "Filtered by the integrations object": 2 } });
  });

  it("drops by each FQL operator, and refuses an 11th filter", async () => {
    const source = await createSource(`fql operators ${uniqueId("e2e")}`);
    const destination = await createDestination(source, "FQL Operators", "/fql/operators");
    // Each filter reads its own properties, so it sees only the events written for it.
    await addFilters(destination, [
      ["properties.eq = 5"],
      ['type != "track"'],
      ["properties.lt < 10"],
      ["properties.le <= 10"],
      ["properties.gt > 10"],
      ["properties.ge >= 10"],
      ["properties.a1 = true and properties.a2 = true"],
      ["properties.o1 = true or properties.o2 = true"],
      // Without the parentheses, `p1 = 1` alone would match.
      ["(properties.p1 = 1 or properties.p2 = 1) and properties.p3 = 1"],
      ['!(properties.nt != "x")'],
    ]);
    // At most 10 filters: had this one been saved, it would drop everything.
    const eleventh = await addFilter(destination, "all");
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error).toMatch(/at most 10 filters/);

    const properties = (values: Event) => ({ properties: values });
    await sendBatch(source, {
      eqDrop: properties({ eq: 5 }),
      eqKeepOther: properties({ eq: 6 }),
      eqKeepString: properties({ eq: "5" }),
      neDropPage: { type: "page", name: "Home", event: undefined },
      ltDrop: properties({ lt: 9 }),
      ltKeep: properties({ lt: 10 }),
      leDrop: properties({ le: 10 }),
      leKeep: properties({ le: 11 }),
      gtDrop: properties({ gt: 11 }),
      gtKeep: properties({ gt: 10 }),
      geDrop: properties({ ge: 10 }),
      geKeep: properties({ ge: 9 }),
      andDrop: properties({ a1: true, a2: true }),
      andKeep: properties({ a1: true, a2: false }),
      orDrop: properties({ o1: false, o2: true }),
      orKeep: properties({ o1: false, o2: false }),
      parensDrop: properties({ p2: 1, p3: 1 }),
      parensKeep: properties({ p1: 1 }),
      notDrop: properties({ nt: "x" }),
      notKeep: properties({ nt: "y" }),
    });

    const [metrics] = await waitUntilSettled([destination], 20);
    expect(labelsAt("/fql/operators")).toEqual(
      sorted(["eqKeepOther", "eqKeepString", "ltKeep", "leKeep", "gtKeep", "geKeep", "andKeep", "orKeep", "parensKeep", "notKeep"]),
    );
    expect(metrics).toMatchObject({ delivered: 10, discarded: 10, discardedByReason: { "Filtered at destination": 10 } });
  });

  it("drops by each FQL function and escaped path, and fails closed on an event it cannot evaluate", async () => {
    const source = await createSource(`fql functions ${uniqueId("e2e")}`);
    const destination = await createDestination(source, "FQL Functions", "/fql/functions");
    await addFilters(destination, [
      ['match(properties.email, "*@spam.example")'],
      ['contains(properties.title, "sale")'],
      ["length(properties.tags) > 2"],
      // length() counts bytes: "ééé" is 3 characters, 6 bytes.
      ["length(properties.word) = 6"],
      ['lowercase(properties.plan) = "pro"'],
      ['typeof(properties.v) = "number"'],
      ["properties.product\\ 1.price > 100"],
      // contains() of a number is false, as Segment's evaluator answers (tsub): the event passes
      // untouched. The action only removes `code`, so a `code` still there was not matched.
      ['contains(properties.code, "x")', [{ type: "DROP_PROPERTIES", fields: { properties: ["code"] } }]],
      // `in` needs a list: against a missing one the filter cannot be evaluated, and the event is
      // dropped (fail-closed), so a blocklist left out never lets an event through.
      ["properties.tier != null and properties.tier in properties.blocked_tiers"],
    ]);

    const properties = (values: Event) => ({ properties: values });
    await sendBatch(source, {
      matchDrop: properties({ email: "bot@spam.example" }),
      matchKeep: properties({ email: "bot@spam.example.org" }),
      containsDrop: properties({ title: "big sale today" }),
      containsKeep: properties({ title: "BIG SALE" }),
      lengthListDrop: properties({ tags: ["a", "b", "c"] }),
      lengthListKeep: properties({ tags: ["a", "b"] }),
      lengthBytesDrop: properties({ word: "ééé" }),
      lengthBytesKeep: properties({ word: "abc" }),
      lowercaseDrop: properties({ plan: "PrO" }),
      lowercaseKeep: properties({ plan: "Pro+" }),
      typeofDrop: properties({ v: 1 }),
      typeofKeep: properties({ v: "1" }),
      escapedDrop: properties({ "product 1": { price: 150 } }),
      escapedKeep: properties({ "product 1": { price: 50 }, product: { price: 150 } }),
      evaluatedMatch: properties({ code: "xyz", other: 1 }),
      evaluatedNoMatch: properties({ code: "abc" }),
      numberKeep: properties({ code: 42 }),
      inListKeep: properties({ tier: "gold", blocked_tiers: ["free"] }),
      inMissingListDrop: properties({ tier: "gold" }),
    });

    const [metrics] = await waitUntilSettled([destination], 19);
    expect(labelsAt("/fql/functions")).toEqual(
      sorted([
        "matchKeep",
        "containsKeep",
        "lengthListKeep",
        "lengthBytesKeep",
        "lowercaseKeep",
        "typeofKeep",
        "escapedKeep",
        "evaluatedMatch",
        "evaluatedNoMatch",
        "numberKeep",
        "inListKeep",
      ]),
    );
    expect(bodyAt("/fql/functions", "evaluatedMatch")?.properties).toEqual({ other: 1 });
    expect(bodyAt("/fql/functions", "evaluatedNoMatch")?.properties).toEqual({ code: "abc" });
    expect(bodyAt("/fql/functions", "numberKeep")?.properties).toEqual({ code: 42 });
    expect(metrics).toMatchObject({ delivered: 11, discarded: 8, discardedByReason: { "Filtered at destination": 8 } });
  });

  it("applies DROP, DROP_PROPERTIES, ALLOW_PROPERTIES and SAMPLE", async () => {
    const source = await createSource(`filter actions ${uniqueId("e2e")}`);
    const destination = await createDestination(source, "Filter Actions", "/actions");
    await addFilters(destination, [
      ['event = "Drop Me"', [{ type: "DROP" }]],
      ['event = "Drop Props"', [{ type: "DROP_PROPERTIES", fields: { properties: ["email"], "properties.items": ["price"] } }]],
      ['event = "Allow Props"', [{ type: "ALLOW_PROPERTIES", fields: { properties: ["plan"] } }]],
      ['event = "Sample None"', [{ type: "SAMPLE", percent: 0 }]],
      ['event = "Sample All"', [{ type: "SAMPLE", percent: 1 }]],
      ['event = "Sample User"', [{ type: "SAMPLE", percent: 0.5, path: "userId" }]],
    ]);

    const full = {
      email: "a@example.com",
      phone: "555",
      plan: "pro",
      items: [
        { sku: "s1", price: 3 },
        { sku: "s2", price: 4 },
      ],
    };
    const events: Record<string, Event> = {
      dropped: { event: "Drop Me" },
      dropProps: { event: "Drop Props", properties: full },
      allowProps: { event: "Allow Props", properties: full },
      untouched: { event: "Other", properties: full },
    };
    for (let i = 0; i < 3; i += 1) {
      events[`sampleNone${i}`] = { event: "Sample None" };
      events[`sampleAll${i}`] = { event: "Sample All" };
    }
    // Fixed user ids, so which users are in is the same on every run (about half of them).
    const users = Array.from({ length: 10 }, (_, i) => `sampled-user-${i}`);
    for (const [u, userId] of users.entries()) for (let i = 0; i < 3; i += 1) events[`sampleUser${u}x${i}`] = { event: "Sample User", userId };
    await sendBatch(source, events);

    const total = Object.keys(events).length;
    const [metrics] = await waitUntilSettled([destination], total);
    const received = labelsAt("/actions");
    expect(received).not.toContain("dropped");
    expect(bodyAt("/actions", "dropProps")?.properties).toEqual({ phone: "555", plan: "pro", items: [{ sku: "s1" }, { sku: "s2" }] });
    expect(bodyAt("/actions", "allowProps")?.properties).toEqual({ plan: "pro" });
    expect(bodyAt("/actions", "untouched")?.properties).toEqual(full);
    expect(received.filter((label) => label.startsWith("sampleNone"))).toEqual([]);
    expect(received.filter((label) => label.startsWith("sampleAll"))).toHaveLength(3);

    const perUser = users.map((_, u) => received.filter((label) => label.startsWith(`sampleUser${u}x`)).length);
    // Sampled by userId: each user's three events are all in or all out.
    for (const count of perUser) expect([0, 3]).toContain(count);
    expect(perUser.filter((count) => count === 3).length).toBeGreaterThan(0);
    expect(perUser.filter((count) => count === 0).length).toBeGreaterThan(0);
    const sampledIn = perUser.reduce((sum, count) => sum + count, 0);
    expect(received).toHaveLength(3 + 3 + sampledIn);
    expect(metrics).toMatchObject({ delivered: received.length, discarded: total - received.length });
  });

  it("refuses a filter whose condition does not parse", async () => {
    const source = await createSource(`fql refused ${uniqueId("e2e")}`);
    const destination = await createDestination(source, "FQL Refused", "/fql/refused");
    for (const condition of ['event = "x" and', 'event = "x" AND type = "track"', "nosuch(event)", 'properties.a = "unterminated']) {
      const refused = await addFilter(destination, condition);
      expect(refused.status, condition).toBe(400);
      expect(refused.body.error, condition).toMatch(/^if: /);
    }
    const { body } = await api<{ filters: unknown[] }>("GET", `/api/v1/destinations/${destination}/filters`);
    expect(body.filters).toEqual([]);
  });

  it("delivers an event answered 500 three times exactly once, and never resends what succeeded", async () => {
    const source = await createSource(`retries ${uniqueId("e2e")}`);
    const destination = await createDestination(source, "Flaky Receiver", "/retries");
    const ids = { flaky: uniqueId("flaky"), steady: uniqueId("steady") };
    failuresLeft.set(ids.flaky, 3);
    const answer = await send(
      "/v1/batch",
      { batch: [ids.flaky, ids.steady].map((messageId) => ({ type: "track", userId: "retry-user", event: "Retried", messageId })) },
      { writeKey: source.writeKey },
    );
    expect(answer.status).toBe(200);

    // Retries after ~1, 2 and 4 s (jittered down to half), plus queue batching.
    await waitUntil("the flaky event accepted by the receiver", () => receiver.accepted("/retries").some(({ body }) => body.messageId === ids.flaky), Boolean, {
      timeoutMs: 30_000,
    });
    // No fixed wait for "never resent": every resend is a retry the consumer schedules, and the
    // metrics count each scheduled event (retriesScheduled, and `retrying` until its attempt) in
    // the same write that counts the delivery. Once both events count as delivered, with nothing
    // retrying, no resend is queued; the exact counts below would show one scheduled on the way.
    const metrics = await waitUntil(
      "both events delivered and none waiting for a retry",
      () => deliveryMetrics(destination),
      (answer) => answer.delivered >= 2 && answer.retrying === 0,
    );

    const attempts = (id: string) => receiver.requests.filter(({ path, body }) => path === "/retries" && body.messageId === id).map(({ status }) => status);
    expect(attempts(ids.flaky)).toEqual([500, 500, 500, 200]);
    expect(attempts(ids.steady)).toEqual([200]);
    // delivered: the flaky event once and the steady one once; a retry scheduled per 500, none pending now.
    expect(metrics).toMatchObject({ delivered: 2, retrying: 0, retriesScheduled: 3, failed: 0, discarded: 0 });
  });
});
