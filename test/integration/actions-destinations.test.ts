import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { admin } from "../support/workerd/admin";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";

/**
 * Segment's Actions destinations run inside the Worker, through the real queues: Segment's own
 * Webhook (Actions) destination delivers to a local receiver, with its subscriptions deciding
 * which events go and its mapping what they carry.
 */
interface CatalogDestination {
  slug: string;
  type: string;
  name: string;
  settings: Record<string, { required: boolean; type: string }>;
  actions: { key: string; title: string; batching: boolean }[];
  presets: { name: string; partnerAction: string; type: string; subscribe: string | null }[];
}

interface SubscriptionPreview {
  name: string;
  matched: boolean;
  requests: { method: string; url: string; headers: Record<string, string>; body: string }[];
  error: string | null;
}

const track = (messageId: string, properties: Record<string, unknown> = {}) => ({
  type: "track",
  event: "Order Completed",
  userId: "actions-user",
  messageId,
  timestamp: "2026-11-30T10:00:00.000Z",
  properties: { revenue: 42.5, currency: "EUR", ...properties },
});

describe("the catalog", () => {
  it("lists Segment's Actions destinations with their settings, actions and presets", async () => {
    const { status, body } = await admin<{ destinations: CatalogDestination[] }>("GET", "/catalog/destinations");
    expect(status).toBe(200);
    expect(body.destinations.length).toBeGreaterThan(150);
    const slugs = body.destinations.map((destination) => destination.slug);
    for (const slug of ["amplitude", "mixpanel", "google-analytics-4", "facebook-conversions-api", "braze", "customerio", "hubspot", "slack", "webhook"]) {
      expect(slugs).toContain(slug);
    }
    const amplitude = body.destinations.find((destination) => destination.slug === "amplitude")!;
    expect(amplitude.type).toBe("actions:amplitude");
    expect(amplitude.settings.apiKey).toMatchObject({ required: true, type: "password" });
    expect(amplitude.actions.map((action) => action.key)).toContain("logEventV2");
    expect(amplitude.presets.some((preset) => preset.type === "automatic" && preset.subscribe)).toBe(true);
    expect(slugs).not.toContain("kafka");
  });

  it("answers one destination, and 404 for one it does not run", async () => {
    expect((await admin<{ destination: CatalogDestination }>("GET", "/catalog/destinations/mixpanel")).body.destination.name).toBe("Mixpanel (Actions)");
    expect((await admin("GET", "/catalog/destinations/kafka")).status).toBe(404);
  });
});

describe("creating an Actions destination", () => {
  it("defaults to the destination's automatic presets and masks its secret settings", async () => {
    const source = await createSource("Actions presets source");
    const { status, body } = await admin<{ destination: { settings: Record<string, unknown>; subscriptions: { partnerAction: string }[] } }>(
      "POST",
      "/destinations",
      { name: "Amplitude", type: "actions:amplitude", sourceIds: [source.id], settings: { apiKey: "amp-key", secretKey: "amp-secret" } },
    );
    expect(status).toBe(201);
    // Both are `password` fields in Amplitude's definition, so both are secrets.
    expect(body.destination.settings.secretKey).toBe("********");
    expect(body.destination.settings.apiKey).toBe("********");
    expect(body.destination.subscriptions.length).toBeGreaterThan(0);
    expect(body.destination.subscriptions.map((subscription) => subscription.partnerAction)).toContain("logEventV2");
  });

  it("refuses settings the destination's own fields reject, and subscriptions that cannot run", async () => {
    const missing = await admin<{ error: string; field: string }>("POST", "/destinations", { name: "No key", type: "actions:amplitude", settings: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/apiKey|API Key/);

    const noAction = await admin<{ error: string; field: string }>("POST", "/destinations", {
      name: "No such action",
      type: "actions:webhook",
      subscriptions: [{ name: "x", subscribe: 'type = "track"', partnerAction: "teleport", mapping: {} }],
    });
    expect(noAction.status).toBe(400);
    expect(noAction.body.field).toBe("settings.subscriptions.0.partnerAction");

    const badCondition = await admin<{ error: string; field: string }>("POST", "/destinations", {
      name: "Bad condition",
      type: "actions:webhook",
      subscriptions: [{ name: "x", subscribe: 'type = "track" and (', partnerAction: "send", mapping: {} }],
    });
    expect(badCondition.status).toBe(400);
    expect(badCondition.body.field).toBe("settings.subscriptions.0.subscribe");

    const unknown = await admin<{ error: string }>("POST", "/destinations", { name: "Unknown", type: "actions:not-a-destination", settings: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain("/api/v1/catalog/destinations");
  });
});

describe("delivery through Segment's Webhook (Actions) destination", () => {
  it("sends what the subscription matches, shaped by its mapping, and counts the rest as not subscribed", async () => {
    const source = await createSource("Actions webhook source");
    const hook = `/hooks/${unique("actions-webhook")}`;
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Orders to the receiver",
      type: "actions:webhook",
      sourceIds: [source.id],
      subscriptions: [
        {
          name: "Orders",
          subscribe: 'type = "track" and event = "Order Completed"',
          partnerAction: "send",
          mapping: {
            url: `${inject("receiverUrl")}${hook}`,
            method: "POST",
            headers: { "X-Shop": "north" },
            data: { order: { "@path": "$.properties" }, messageId: { "@path": "$.messageId" }, who: { "@path": "$.userId" } },
          },
        },
      ],
    });
    expect(created.status).toBe(201);
    const order = unique("order");
    await sendBatch(source.writeKey, [track(order), { type: "identify", userId: "actions-user", messageId: unique("identify"), traits: { plan: "pro" } }]);

    const [request] = await waitUntil(
      `the order posted to ${hook}`,
      () => received(hook),
      (list) => list.length >= 1,
      { timeoutMs: 20_000 },
    );
    expect(request!.body).toEqual({ order: { revenue: 42.5, currency: "EUR" }, messageId: order, who: "actions-user" });
    expect(request!.headers["x-shop"]).toBe("north");
    const metrics = await waitUntil(
      "the delivery and the unsubscribed identify counted",
      () => admin<{ delivered: number; discardedByReason: Record<string, number> }>("GET", `/destinations/${created.body.destination.id}/delivery`),
      ({ body }) => body.delivered === 1 && body.discardedByReason["Matched no subscription"] === 1,
      { timeoutMs: 20_000 },
    );
    expect(metrics.body.delivered).toBe(1);
  });

  it("retries an event the destination answers 500, and delivers it once", async () => {
    const source = await createSource("Actions retry source");
    const hook = `/hooks/${unique("actions-retry")}`;
    await admin("POST", "/destinations", {
      name: "Flaky",
      type: "actions:webhook",
      sourceIds: [source.id],
      subscriptions: [
        {
          name: "All tracks",
          subscribe: 'type = "track"',
          partnerAction: "send",
          mapping: { url: `${inject("receiverUrl")}${hook}?fail=500x1`, method: "POST", data: { "@path": "$." } },
        },
      ],
    });
    const messageId = unique("flaky");
    await sendBatch(source.writeKey, [track(messageId)]);
    const requests = await waitUntil(
      "the event answered 500, then delivered",
      () => received(hook),
      (list) => list.some((entry) => entry.status === 200),
      { timeoutMs: 30_000 },
    );
    expect(requests.map((entry) => entry.status)).toEqual([500, 200]);
    expect(requests[1]!.body.messageId).toBe(messageId);
  });
});

describe("preview", () => {
  it("shows the exact requests each subscription would send, secrets masked, without sending", async () => {
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Amplitude preview",
      type: "actions:amplitude",
      settings: { apiKey: "amp-preview-key", secretKey: "amp-preview-secret" },
    });
    const { status, body } = await admin<{ subscriptions: SubscriptionPreview[] }>("POST", `/destinations/${created.body.destination.id}/preview`, {
      event: track("preview-1"),
    });
    expect(status).toBe(200);
    const sent = body.subscriptions.filter((subscription) => subscription.matched && subscription.requests.length > 0);
    expect(sent.length).toBeGreaterThan(0);
    const request = sent[0]!.requests[0]!;
    expect(request.url).toBe("https://api2.amplitude.com/2/httpapi");
    const payload = JSON.parse(request.body) as { api_key: string; events: { event_type: string; user_id: string; revenue?: number }[] };
    expect(payload.api_key).toBe("********");
    expect(payload.events[0]).toMatchObject({ event_type: "Order Completed", user_id: "actions-user", revenue: 42.5 });
    expect(JSON.stringify(body)).not.toContain("amp-preview-secret");
    expect(JSON.stringify(body)).not.toContain("amp-preview-key");
    expect(body.subscriptions.some((subscription) => !subscription.matched)).toBe(true);
  });
});

describe("an Actions destination this build left out", () => {
  it("still reads, masked; its events go to the dead letters saying why; it cannot be changed", async () => {
    const source = await createSource("Left-out destination source");
    // As a Worker built with every destination would have stored it, before a SLUICE_ACTIONS build.
    const { DestinationStore } = await import("../../src/destinations/destination-store");
    const stored = await new DestinationStore(env.DB).create(
      {
        name: "Left out",
        type: "actions:left-out-of-this-build",
        enabled: true,
        sourceIds: [source.id],
        settings: { apiKey: "kept-secret", subscriptions: [] },
        consentCategories: [],
      },
      new Date(),
    );
    const listed = await admin<{ destinations: { id: string; settings: Record<string, unknown> }[] }>("GET", "/destinations");
    expect(listed.status).toBe(200);
    expect(listed.body.destinations.find((destination) => destination.id === stored.id)!.settings).toEqual({ apiKey: "********" });

    const messageId = unique("left-out");
    await sendBatch(source.writeKey, [track(messageId)]);
    const letters = await waitUntil(
      "the event dead-lettered",
      () => admin<{ deadLetters: { reason: string; events: { messageId: string }[] }[] }>("GET", `/destinations/${stored.id}/dead-letters`),
      ({ body }) => body.deadLetters.length > 0,
      { timeoutMs: 20_000 },
    );
    expect(letters.body.deadLetters[0]!.events[0]!.messageId).toBe(messageId);
    expect(letters.body.deadLetters[0]!.reason).toContain("not in this Worker's build");

    const changed = await admin<{ field: string }>("PATCH", `/destinations/${stored.id}`, { settings: { apiKey: "another" } });
    expect(changed.status).toBe(400);
    expect(changed.body.field).toBe("type");
  });
});
