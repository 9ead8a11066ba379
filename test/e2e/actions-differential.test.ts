import { Analytics } from "@segment/analytics-node";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer } from "../../scripts/dev-server.mjs";
import { ACTIONS_FIXTURES, type ActionsFixture } from "./fixtures/actions-destinations";
import type { SpecCall } from "./fixtures/spec-events";
import { startCaptureServer, type CaptureServer, type OutboundRequest, type ScriptedResponse } from "./support/capture-server";
import { describeDifferences, pairRequests, toComparable, type ComparableRequest, type Labelled } from "./support/compare-requests";
import { automaticPresets, runReference } from "./support/segment-reference";
import type { ArchivedEvent, Source } from "./support/sluice";
import { waitUntil } from "./support/sluice";

/**
 * Differential test of Sluice's Actions destinations against Segment's own code. Each fixture's
 * Segment-spec events go through a private Sluice (wrangler dev with the OUTBOUND_ORIGIN test
 * hook, so every destination request lands on a local capture server); then every archived
 * event is run through @segment/actions-core and @segment/action-destinations in Node with the
 * same settings and subscriptions, answered by the same scripted responder. Both sides must make
 * the same requests: method, URL, headers the destination sets, body for body.
 */

const RUN = randomUUID().slice(0, 8);
const ADMIN_TOKEN = "dev_admin_token";
/** What a destination gets when its fixture scripts nothing for the request. */
const DEFAULT_ANSWER: ScriptedResponse = { status: 200, body: {} };

function respond(request: OutboundRequest): ScriptedResponse {
  for (const fixture of ACTIONS_FIXTURES) {
    const answer = fixture.respond?.(request);
    if (answer) return answer;
  }
  return DEFAULT_ANSWER;
}

interface Prepared {
  fixture: ActionsFixture;
  source: Source;
  destinationId: string;
  /** The fixture's events as archived, in the fixture's order. */
  archived: { call: SpecCall; event: ArchivedEvent }[];
  reference: Labelled<ComparableRequest>[];
  /** The reference's requests as made. */
  raw: OutboundRequest[];
  /** The (event, subscription) pairs Segment's code refused, and its message. */
  refused: { event: string; subscription: string; error: string }[];
  hosts: Set<string>;
}

function referenceSettings(fixture: ActionsFixture): Record<string, unknown> {
  return fixture.oauth ? { ...fixture.settings, oauth: fixture.oauth } : fixture.settings;
}

describe("Actions destinations: Sluice's requests against Segment's own code", () => {
  let stopSluice: (() => Promise<void>) | undefined;
  let capture: CaptureServer;
  let baseUrl: string;
  const prepared = new Map<string, Prepared>();
  /** Which fixture owns each destination host (learnt from the reference's requests). */
  const hostOwner = new Map<string, string>();

  async function admin<T>(path: string, init: RequestInit, expectedStatus: number): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json", ...init.headers },
    });
    const text = await response.text();
    if (response.status !== expectedStatus) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}, expected ${expectedStatus}: ${text}`);
    return JSON.parse(text) as T;
  }

  async function readArchive(sourceId: string): Promise<ArchivedEvent[]> {
    const response = await fetch(`${baseUrl}/api/v1/archive?sourceId=${encodeURIComponent(sourceId)}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /api/v1/archive answered ${response.status}: ${text}`);
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as ArchivedEvent);
  }

  /** Connects a fresh source to an `actions:<slug>` destination with the fixture's settings and subscriptions. */
  async function connect(fixture: ActionsFixture): Promise<{ source: Source; destinationId: string }> {
    const { source } = await admin<{ source: Source }>(
      "/api/v1/sources",
      { method: "POST", body: JSON.stringify({ name: `diff ${fixture.slug} ${RUN}` }) },
      201,
    );
    const body = {
      name: `diff ${fixture.slug}`,
      type: `actions:${fixture.slug}`,
      enabled: true,
      sourceIds: [source.id],
      settings: referenceSettings(fixture),
      ...(fixture.subscriptions ? { subscriptions: fixture.subscriptions } : {}),
    };
    const { destination } = await admin<{ destination: { id: string } }>("/api/v1/destinations", { method: "POST", body: JSON.stringify(body) }, 201);
    return { source, destinationId: destination.id };
  }

  /**
   * Sends the fixture's calls with Segment's own analytics-node, each with a messageId that names
   * it. One at a time by default: each call goes once Sluice has finished with the one before
   * (delivered, refused or not subscribed, by the destination's delivery metrics), so each
   * delivery carries one event. A fixture delivered `together` sends all its calls in one batch,
   * which Sluice delivers together (one queue message; a quiet queue never splits it), so a
   * subscription that batches gets them all in one call.
   */
  async function sendFixture(fixture: ActionsFixture, source: Source, destinationId: string): Promise<void> {
    const together = fixture.delivery === "together";
    const analytics = new Analytics({
      writeKey: source.writeKey,
      host: baseUrl,
      path: "/v1/batch",
      flushAt: together ? fixture.events.length : 1,
      flushInterval: together ? 10_000 : 50,
      maxRetries: 3,
    });
    const finished = (count: number, what: string) =>
      waitUntil(
        `Sluice to finish ${fixture.slug}'s ${what}`,
        () => admin<DeliveryMetrics>(`/api/v1/destinations/${encodeURIComponent(destinationId)}/delivery`, {}, 200),
        (metrics) => metrics.delivered + metrics.failed + metrics.discarded >= count && metrics.retrying === 0,
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    try {
      if (together) {
        await Promise.all(fixture.events.map((call, index) => sendCall(analytics, call, messageId(fixture, index))));
        await finished(fixture.events.length, `${fixture.events.length} events`);
      } else {
        for (const [index, call] of fixture.events.entries()) {
          await sendCall(analytics, call, messageId(fixture, index));
          await finished(index + 1, `event ${index + 1} (${call.label})`);
        }
      }
    } finally {
      await analytics.closeAndFlush({ timeout: 10_000 });
    }
  }

  function messageId(fixture: ActionsFixture, index: number): string {
    return `diff-${RUN}-${fixture.slug}-${index}`;
  }

  /** Runs the archived events through Segment's code in Node, delivered as Sluice delivered them. */
  async function runReferences(entry: Omit<Prepared, "reference" | "raw" | "refused" | "hosts">): Promise<Prepared> {
    const { fixture } = entry;
    const subscriptions = fixture.subscriptions ?? automaticPresets(fixture.slug);
    const deliveries = fixture.delivery === "together" ? [entry.archived] : entry.archived.map((one) => [one]);
    const prepared: Prepared = { ...entry, reference: [], raw: [], refused: [], hosts: new Set() };
    for (const delivery of deliveries) {
      const run = await runReference(
        fixture.slug,
        delivery.map(({ event }) => event),
        referenceSettings(fixture),
        subscriptions,
        respond,
      );
      for (const request of run.requests) {
        const label = request.events.map((index) => delivery[index]!.call.label).join(" + ");
        prepared.reference.push({ label, request: toComparable(request, fixture.normalize) });
        prepared.raw.push(request);
        prepared.hosts.add(new URL(request.url).host);
      }
      for (const { event, subscription, error } of run.outcomes) {
        if (error !== undefined) prepared.refused.push({ event: delivery[event]!.call.label, subscription, error });
      }
    }
    return prepared;
  }

  function capturedFor(slug: string): OutboundRequest[] {
    return capture.requests.filter((request) => hostOwner.get(hostOf(request.url)) === slug);
  }

  beforeAll(async () => {
    capture = await startCaptureServer(respond);
    const sluice = await startDevServer({
      label: "sluice-actions-diff",
      keep: Boolean(process.env.SLUICE_E2E_KEEP),
      log: (line: string) => console.log(`[actions-diff] ${line}`),
      vars: { SLUICE_TEST_HOOKS: "1", OUTBOUND_ORIGIN: capture.origin, DELIVERY_RETRY_FIRST_DELAY_SECONDS: "1" },
    });
    stopSluice = () => sluice.stop();
    baseUrl = sluice.baseUrl;

    const connected = await Promise.all(ACTIONS_FIXTURES.map(async (fixture) => ({ fixture, ...(await connect(fixture)) })));
    await Promise.all(connected.map(({ fixture, source, destinationId }) => sendFixture(fixture, source, destinationId)));

    for (const { fixture, source, destinationId } of connected) {
      const ids = fixture.events.map((_, index) => messageId(fixture, index));
      const events = await waitUntil(
        `${fixture.slug}'s ${ids.length} events in the archive`,
        () => readArchive(source.id),
        (archived) => ids.every((id) => archived.some((event) => event.messageId === id)),
        { timeoutMs: 15_000, intervalMs: 250 },
      );
      const archived = fixture.events.map((call, index) => ({ call, event: events.find((event) => event.messageId === messageId(fixture, index))! }));
      const entry = await runReferences({ fixture, source, destinationId, archived });
      prepared.set(fixture.slug, entry);
      for (const host of entry.hosts) {
        const owner = hostOwner.get(host);
        if (owner !== undefined && owner !== fixture.slug) throw new Error(`${fixture.slug} and ${owner} both send to ${host}: give one of them another host`);
        hostOwner.set(host, fixture.slug);
      }
    }

    // Every destination's requests, or the deadline: a destination that falls short is reported
    // by its own test below, with what arrived.
    await waitUntil(
      "every destination's requests at the capture server",
      () => [...prepared.values()].filter((entry) => capturedFor(entry.fixture.slug).length < entry.reference.length).map((entry) => entry.fixture.slug),
      (short) => short.length === 0,
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch((error: unknown) => console.warn(`[actions-diff] ${error instanceof Error ? error.message : String(error)}`));
  });

  afterAll(async () => {
    await stopSluice?.();
    await capture?.close();
  });

  it.each(ACTIONS_FIXTURES.map((fixture) => [fixture.slug, fixture] as const))("%s sends what Segment's code sends", (slug, fixture) => {
    const entry = prepared.get(slug)!;
    expect(entry, `${slug} was not prepared`).toBeDefined();

    // Segment's code refused exactly the (event, subscription) pairs the fixture expects it to.
    const refused = entry.refused.map(({ event, subscription }) => `${event} → ${subscription}`).sort();
    const expectedRefusals = (fixture.rejections ?? []).map(({ event, subscription }) => `${event} → ${subscription}`).sort();
    expect(refused, `(event, subscription) pairs Segment's code refused: ${JSON.stringify(entry.refused)}`).toEqual(expectedRefusals);
    for (const rejection of fixture.rejections ?? []) {
      expect(entry.refused.find((seen) => seen.event === rejection.event && seen.subscription === rejection.subscription)?.error).toContain(rejection.error);
    }

    const captured = capturedFor(slug);
    if (fixture.verify) {
      const problems = [...captured.map((request) => ["Sluice", request] as const), ...entry.raw.map((request) => ["reference", request] as const)].flatMap(
        ([side, request]) => {
          const problem = fixture.verify!(request);
          return problem === undefined ? [] : [`${side}: ${request.method} ${request.url}: ${problem}`];
        },
      );
      expect(problems).toEqual([]);
    }
    const sluice = captured.map((request) => toComparable(request, fixture.normalize));
    expect(entry.reference.length, `Segment's code made no request for ${slug}: the fixture tests nothing`).toBeGreaterThan(0);
    expect(sluice.length, `Sluice sent no request for ${slug}`).toBeGreaterThan(0);

    const pairing = pairRequests(sluice, entry.reference);
    const report = [
      ...pairing.differing.flatMap(({ label, sluice: actual, reference }) => [
        `${label}: ${reference.method} ${reference.url} differs:`,
        ...describeDifferences(actual, reference).map((line) => `  ${line}`),
      ]),
      ...pairing.missing.map(({ label, request }) => `${label}: Sluice never sent ${request.method} ${request.url} ${JSON.stringify(request.body)}`),
      ...pairing.extra.map((request) => `Sluice also sent ${request.method} ${request.url} ${JSON.stringify(request.body)}`),
    ];
    expect(report, `${slug}: ${pairing.matched} of ${entry.reference.length} requests identical`).toEqual([]);
    expect(pairing.matched).toBe(entry.reference.length);
    expect(sluice).toHaveLength(entry.reference.length);
  });

  it("sends nothing to a host none of the destinations under test uses", () => {
    const strays = capture.requests.filter((request) => !hostOwner.has(hostOf(request.url))).map((request) => `${request.method} ${request.url}`);
    expect(capture.requests.length).toBeGreaterThan(0);
    expect(strays).toEqual([]);
  });
});

interface DeliveryMetrics {
  delivered: number;
  failed: number;
  retrying: number;
  discarded: number;
}

/** One Segment-spec call through analytics-node; resolves once Sluice answered it. */
function sendCall(analytics: Analytics, call: SpecCall, messageId: string): Promise<void> {
  const params = { ...call.params, messageId };
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) =>
      error
        ? reject(new Error(`analytics-node could not send ${call.label} (${messageId}): ${error instanceof Error ? error.message : JSON.stringify(error)}`))
        : resolve();
    switch (call.type) {
      case "identify":
        return analytics.identify(params as Parameters<Analytics["identify"]>[0], done);
      case "track":
        return analytics.track(params as Parameters<Analytics["track"]>[0], done);
      case "page":
        return analytics.page(params as Parameters<Analytics["page"]>[0], done);
      case "screen":
        return analytics.screen(params as Parameters<Analytics["screen"]>[0], done);
      case "group":
        return analytics.group(params as Parameters<Analytics["group"]>[0], done);
      case "alias":
        return analytics.alias(params as Parameters<Analytics["alias"]>[0], done);
    }
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
