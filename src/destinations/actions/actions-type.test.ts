import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { deliverMessage } from "../consume-deliveries";
import { deliverBatch } from "../deliver";
import { destinationType } from "../types";

/** A stand-in for a destination's API: answers by `answer`, records what it was sent. */
function standIn(answer: (request: Request, body: string) => Response | Promise<Response>) {
  const seen: { url: string; body: string }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = await request.text();
    seen.push({ url: request.url, body });
    return answer(request, body);
  }) as typeof fetch;
  return { fetcher, seen };
}

const track = (messageId: string, event = "Signed Up", properties: Record<string, unknown> = {}) => ({
  type: "track",
  event,
  userId: "u1",
  messageId,
  timestamp: "2026-11-30T10:00:00.000Z",
  properties,
  context: {},
});

/** Segment's Webhook (Actions) `send` to a path, carrying the messageId. */
const toHook = (path: string) => ({ url: `https://hooks.example.com${path}`, method: "POST", data: { id: { "@path": "$.messageId" } } });

/** Two subscriptions an order matches both of. */
const ALL_AND_ORDERS = [
  { name: "All tracks", subscribe: 'type = "track"', partnerAction: "send", mapping: toHook("/all") },
  { name: "Orders", subscribe: 'event = "Order Completed"', partnerAction: "send", mapping: toHook("/orders") },
];

function parsedSettings(type: string, settings: Record<string, unknown>): Record<string, unknown> {
  const parsed = destinationType(type)!.parseSettings(settings);
  if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
  return parsed.data;
}

describe("an Actions destination type", () => {
  const mixpanel = destinationType("actions:mixpanel")!;
  const mixpanelSettings = parsedSettings("actions:mixpanel", { projectToken: "token-1", apiSecret: "secret-1" });

  it("sends a batch in one request where the mapping enables batching (Mixpanel's presets do)", async () => {
    const api = standIn(() => Response.json({ code: 200, num_records_imported: 3, status: "OK" }));
    const results = await deliverBatch(mixpanel, mixpanelSettings, [track("m1"), track("m2"), track("m3")], api.fetcher);
    expect(results.map((result) => result.outcome.kind)).toEqual(["delivered", "delivered", "delivered"]);
    expect(api.seen).toHaveLength(1);
    expect(new URL(api.seen[0]!.url).pathname).toBe("/import");
    const sent = JSON.parse(api.seen[0]!.body) as { properties: { $insert_id: string } }[];
    expect(sent.map((event) => event.properties.$insert_id)).toEqual(["m1", "m2", "m3"]);
  });

  it("reads answers by the delivery policy: 429 with Retry-After and 5xx retried, other 4xx refused, no answer retried", async () => {
    const webhook = destinationType("actions:webhook")!;
    const settings = parsedSettings("actions:webhook", {
      subscriptions: [
        {
          name: "Send",
          subscribe: 'type = "track"',
          partnerAction: "send",
          mapping: { url: "https://hooks.example.com/in", method: "POST", data: { "@path": "$." } },
        },
      ],
    });
    const statusOf: Record<string, number> = { ok: 200, slow: 429, down: 503, bad: 400 };
    const api = standIn((_, body) => {
      const messageId = (JSON.parse(body) as { messageId: string }).messageId;
      if (messageId === "gone") throw new TypeError("connection refused");
      return new Response("{}", { status: statusOf[messageId], headers: { "Retry-After": "7", "Content-Type": "application/json" } });
    });
    const results = await deliverBatch(
      webhook,
      settings,
      ["ok", "slow", "down", "bad", "gone"].map((id) => track(id)),
      api.fetcher,
    );
    expect(results.map(({ outcome }) => [outcome.kind, outcome.kind === "retry" ? outcome.retryAfterSeconds : undefined])).toEqual([
      ["delivered", undefined],
      ["retry", 7],
      ["retry", 7],
      ["failed", undefined],
      ["retry", undefined],
    ]);
    const refused = results[3]!.outcome;
    expect(refused.kind === "failed" && refused.reason).toMatch(/^answered 400/);
  });

  it("refuses a payload its action's fields reject, naming the field, without sending", async () => {
    const webhook = destinationType("actions:webhook")!;
    const settings = parsedSettings("actions:webhook", {
      subscriptions: [{ name: "Send", subscribe: 'type = "track"', partnerAction: "send", mapping: { url: { "@path": "$.properties.url" }, method: "POST" } }],
    });
    const api = standIn(() => Response.json({}));
    const [result] = await deliverBatch(webhook, settings, [track("no-url")], api.fetcher);
    expect(result!.outcome.kind).toBe("failed");
    expect(result!.outcome.kind === "failed" && result!.outcome.reason).toMatch(/'url'/);
    expect(api.seen).toHaveLength(0);
  });

  it("gives an event every matching subscription; the least final answer is the event's", async () => {
    const webhook = destinationType("actions:webhook")!;
    const settings = parsedSettings("actions:webhook", {
      subscriptions: [...ALL_AND_ORDERS, { name: "Off", subscribe: 'type = "track"', partnerAction: "send", mapping: toHook("/off"), enabled: false }],
    });
    const api = standIn((request) => new Response("{}", { status: new URL(request.url).pathname === "/orders" ? 500 : 200 }));
    const results = await deliverBatch(webhook, settings, [track("signup"), track("order", "Order Completed"), { type: "page", messageId: "p" }], api.fetcher);
    expect(results.map(({ outcome }) => outcome.kind)).toEqual(["delivered", "retry", "failed"]);
    expect(api.seen.map((request) => `${new URL(request.url).pathname} ${request.body}`).sort()).toEqual([
      '/all {"id":"order"}',
      '/all {"id":"signup"}',
      '/orders {"id":"order"}',
    ]);
    const unsubscribed = results[2]!.outcome;
    expect(unsubscribed.kind === "failed" && unsubscribed.reason).toBe("matched no enabled subscription");
  });

  it("sends a retried event again only to the subscriptions that did not take it", async () => {
    const webhook = destinationType("actions:webhook")!;
    const settings = parsedSettings("actions:webhook", { subscriptions: ALL_AND_ORDERS });
    let ordersUp = false;
    const api = standIn((request) => new Response("{}", { status: new URL(request.url).pathname === "/orders" && !ordersUp ? 503 : 200 }));
    const deps = { destination: () => Promise.resolve({ enabled: true, type: webhook, settings }), fetcher: api.fetcher, now: Date.now, random: () => 0.5 };
    const order = { ...track("order", "Order Completed"), receivedAt: new Date().toISOString() } as unknown as AcceptedEvent;
    const first = await deliverMessage({ v: 1, destinationId: "d", events: [order], attempts: 0, firstQueuedAt: new Date().toISOString() }, deps);
    expect(first.retry?.message.owed).toEqual({ order: [expect.stringContaining("Orders")] });

    ordersUp = true;
    api.seen.length = 0;
    const second = await deliverMessage(first.retry!.message, deps);
    expect(second.delivered).toBe(1);
    expect(api.seen.map((request) => new URL(request.url).pathname)).toEqual(["/orders"]);
  });

  it("forwards a deletion through the destination's own onDelete (Amplitude's deletion API), read by the delivery policy", async () => {
    const amplitude = destinationType("actions:amplitude")!;
    const settings = parsedSettings("actions:amplitude", { apiKey: "key-1", secretKey: "secret-1" });
    const api = standIn((_, body) => new Response("{}", { status: body.includes("busy-user") ? 429 : 200, headers: { "Retry-After": "30" } }));
    const units = await amplitude.deletions!(
      [
        { userId: "gone-user", messageId: "r-0" },
        { userId: "busy-user", messageId: "r-1" },
      ],
      settings,
    );
    expect(units.map((unit) => unit.events)).toEqual([[0], [1]]);
    expect(await units[0]!.send(api.fetcher)).toEqual([{ kind: "delivered" }]);
    expect(await units[1]!.send(api.fetcher)).toEqual([expect.objectContaining({ kind: "retry", retryAfterSeconds: 30 })]);
    expect(new URL(api.seen[0]!.url).pathname).toBe("/api/2/deletions/users");
    expect(JSON.parse(api.seen[0]!.body)).toEqual({ user_ids: ["gone-user"], requester: "segment" });
    expect("deletions" in destinationType("actions:slack")!).toBe(false);
  });

  it("says whether any enabled subscription wants an event (routing drops the rest before the queue)", () => {
    expect(mixpanel.accepts!(track("t"), mixpanelSettings)).toBe(true);
    expect(mixpanel.accepts!({ type: "alias", messageId: "a", userId: "u", previousId: "p" }, mixpanelSettings)).toBe(false);
  });

  it("checks settings with the destination's own fields and keeps a secret list from them", () => {
    const missing = mixpanel.parseSettings({ projectToken: "t" });
    expect(missing.success).toBe(false);
    expect(!missing.success && missing.error.issues[0]!.message).toMatch(/Secret/i);
    expect(mixpanel.secrets).toEqual(expect.arrayContaining(["apiSecret", "oauth"]));
    expect(mixpanel.secrets).not.toContain("projectToken");
  });
});
