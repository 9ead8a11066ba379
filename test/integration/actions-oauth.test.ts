import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverMessage } from "../../src/destinations/consume-deliveries";
import { destinationContext } from "../../src/destinations/destination-context";
import { DestinationStore } from "../../src/destinations/destination-store";
import { destinationType } from "../../src/destinations/types";
import type { AcceptedEvent } from "../../src/spec/accepted-event";
import { admin } from "../support/workerd/admin";
import { unique } from "../support/workerd/profiles";

/**
 * An OAuth destination (Segment's HubSpot) whose access token expired: the framework's own refresh
 * runs, the new token is stored sealed (never readable in D1 or the API), and the event is sent
 * with it. HubSpot is played by a stand-in fetcher: the token endpoint and the events endpoint.
 */
function hubspotStandIn() {
  const seen: { url: string; authorization: string | null; body: string }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = await request.text();
    seen.push({ url: request.url, authorization: request.headers.get("authorization"), body });
    if (request.url.endsWith("/oauth/v1/token")) {
      const form = new URLSearchParams(body);
      if (form.get("refresh_token") !== "refresh-1" || form.get("client_secret") !== "client-secret-1") return new Response("{}", { status: 400 });
      return Response.json({ access_token: "access-2" });
    }
    return request.headers.get("authorization") === "Bearer access-2" ? Response.json({}) : new Response('{"status":"error"}', { status: 401 });
  }) as typeof fetch;
  return { fetcher, seen };
}

const event = (messageId: string) =>
  ({
    type: "track",
    event: "Plan Upgraded",
    userId: "oauth-user",
    messageId,
    receivedAt: new Date().toISOString(),
    timestamp: "2026-11-30T09:00:00.000Z",
    properties: { email: "ada@example.com", plan: "pro" },
    context: {},
  }) as unknown as AcceptedEvent;

describe("an OAuth Actions destination", () => {
  it("refreshes an expired token with the destination's own refresh, stores it sealed, and delivers", async () => {
    const created = await admin<{ destination: { id: string; settings: Record<string, unknown> } }>("POST", "/destinations", {
      name: "HubSpot",
      type: "actions:hubspot",
      settings: {
        portalId: "1234",
        oauth: { access_token: "access-1", refresh_token: "refresh-1", clientId: "client-1", clientSecret: "client-secret-1" },
      },
      subscriptions: [
        {
          name: "Behavioral events",
          subscribe: 'type = "track"',
          partnerAction: "sendCustomBehavioralEvent",
          mapping: { eventName: "pe1234_plan_upgraded", email: { "@path": "$.properties.email" }, occurredAt: { "@path": "$.timestamp" } },
        },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.body.destination.id;
    expect(created.body.destination.settings.oauth).toBe("********");
    const row = await env.DB.prepare("SELECT settings FROM destinations WHERE id = ?").bind(id).first<{ settings: string }>();
    expect(row!.settings).not.toContain("access-1");
    expect(row!.settings).not.toContain("refresh-1");
    expect(JSON.parse(row!.settings)).toMatchObject({ oauth: { sealed: expect.stringMatching(/^v1\./) as unknown } });

    const hubspot = hubspotStandIn();
    const store = new DestinationStore(env.DB);
    const messageId = unique("oauth");
    const decision = await deliverMessage(
      { v: 1, destinationId: id, events: [event(messageId)], attempts: 0, firstQueuedAt: new Date().toISOString() },
      {
        destination: async (destinationId) => {
          const destination = await store.get(destinationId);
          return destination ? { enabled: true, type: destinationType(destination.type)!, settings: destination.settings } : null;
        },
        fetcher: hubspot.fetcher,
        context: (destinationId) => destinationContext(env, destinationId),
        now: Date.now,
        random: () => 0.5,
      },
    );

    expect(decision.delivered).toBe(1);
    expect(decision.deadLetters).toEqual([]);
    expect(hubspot.seen.map((request) => [new URL(request.url).pathname, request.authorization])).toEqual([
      ["/events/v3/send", "Bearer access-1"],
      // Segment's framework builds the refresh request with the destination's own extendRequest
      // and no tokens, so HubSpot's header reads "Bearer undefined" there too: Segment's code, as is.
      ["/oauth/v1/token", "Bearer undefined"],
      ["/events/v3/send", "Bearer access-2"],
    ]);
    expect(JSON.parse(hubspot.seen[2]!.body)).toMatchObject({ eventName: "pe1234_plan_upgraded", email: "ada@example.com" });

    const after = await env.DB.prepare("SELECT settings FROM destinations WHERE id = ?").bind(id).first<{ settings: string }>();
    expect(after!.settings).not.toBe(row!.settings);
    expect(after!.settings).not.toContain("access-2");
    const shown = await admin<{ destination: { settings: Record<string, unknown> } }>("GET", `/destinations/${id}`);
    expect(JSON.stringify(shown.body)).not.toContain("access-2");

    // The next batch starts from the refreshed token: no refresh, one request.
    const again = hubspotStandIn();
    const next = await deliverMessage(
      { v: 1, destinationId: id, events: [event(unique("oauth"))], attempts: 0, firstQueuedAt: new Date().toISOString() },
      {
        destination: async (destinationId) => {
          const destination = await store.get(destinationId);
          return destination ? { enabled: true, type: destinationType(destination.type)!, settings: destination.settings } : null;
        },
        fetcher: again.fetcher,
        context: (destinationId) => destinationContext(env, destinationId),
        now: Date.now,
        random: () => 0.5,
      },
    );
    expect(next.delivered).toBe(1);
    expect(again.seen.map((request) => request.authorization)).toEqual(["Bearer access-2"]);
  });

  it("refuses plain tokens for a destination that does not use OAuth", async () => {
    const refused = await admin<{ field: string }>("POST", "/destinations", {
      name: "Not OAuth",
      type: "actions:webhook",
      settings: { oauth: { access_token: "x" } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe("settings.oauth");
  });
});
