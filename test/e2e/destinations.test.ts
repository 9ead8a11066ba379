import { createHmac } from "node:crypto";
import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "../support/receiver/receiver";
import { adminFetch, baseUrl, createSource, uniqueId, waitUntil } from "./support/sluice";

/**
 * A webhook destination on `npm run dev`, with a real HTTP receiver: what analytics-node sends
 * arrives signed, filtered, consent-checked, and retried through a 503.
 */
let receiver: Receiver;
let receiverUrl: string;
/** messageIds answered 503 once before being accepted. */
const flaky = new Set<string>();

const receivedIds = () => receiver.accepted().map((entry) => String(entry.body.messageId));

beforeAll(async () => {
  receiver = await startReceiver(({ body }) => (flaky.delete(String(body.messageId)) ? 503 : 200));
  receiverUrl = receiver.url("/hook");
});

afterAll(() => receiver.close());

async function adminJson<T>(method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
  const response = await adminFetch(path, { method, headers: { "Content-Type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as T };
}

describe("webhook destination on wrangler dev", () => {
  it("delivers signed events, applies consent and filters, retries a 503, and reports delivery metrics", async () => {
    const source = await createSource(`destinations ${uniqueId("e2e")}`);
    const created = await adminJson<{ destination: { id: string; settings: { sharedSecret: string } } }>("POST", "/api/v1/destinations", {
      name: "Receiver",
      type: "webhook",
      enabled: true,
      sourceIds: [source.id],
      settings: { url: receiverUrl, sharedSecret: "whsec" },
      consentCategories: ["Analytics"],
    });
    expect(created.status).toBe(201);
    expect(created.body.destination.settings.sharedSecret).toBe("********");
    const destinationId = created.body.destination.id;
    const filter = await adminJson("POST", `/api/v1/destinations/${destinationId}/filters`, {
      title: "No spam",
      if: 'event = "Spam" or match(properties.email, "*@spam.example")',
      actions: [{ type: "DROP" }],
    });
    expect(filter.status).toBe(201);
    const badFilter = await adminJson<{ error: string }>("POST", `/api/v1/destinations/${destinationId}/filters`, {
      title: "Broken",
      if: 'event = "x" and',
      actions: [{ type: "DROP" }],
    });
    expect(badFilter.status).toBe(400);

    const ids = { ok: uniqueId("m"), retried: uniqueId("m"), spam: uniqueId("m"), spamEmail: uniqueId("m"), noConsent: uniqueId("m") };
    flaky.add(ids.retried);
    const analytics = new Analytics({ writeKey: source.writeKey, host: baseUrl(), flushAt: 10, flushInterval: 100 });
    analytics.track({ userId: "u1", event: "Signed Up", messageId: ids.ok });
    analytics.track({ userId: "u1", event: "Upgraded", messageId: ids.retried });
    analytics.track({ userId: "u1", event: "Spam", messageId: ids.spam });
    analytics.track({ userId: "u1", event: "Signed Up", properties: { email: "bot@spam.example" }, messageId: ids.spamEmail });
    analytics.track({ userId: "u1", event: "Signed Up", context: { consent: { categoryPreferences: { Analytics: false } } }, messageId: ids.noConsent });
    await analytics.closeAndFlush();

    await waitUntil("the accepted and the retried event at the receiver", () => [ids.ok, ids.retried].every((id) => receivedIds().includes(id)), Boolean, {
      timeoutMs: 40_000,
    });
    const byId = new Map(receiver.accepted().map((entry) => [String(entry.body.messageId), entry]));
    for (const id of [ids.ok, ids.retried]) {
      const entry = byId.get(id)!;
      expect(entry.headers["x-signature"]).toBe(createHmac("sha1", "whsec").update(entry.raw).digest("hex"));
    }
    expect(flaky.has(ids.retried)).toBe(false);

    type Metrics = {
      delivered: number;
      retrying: number;
      retriesScheduled: number;
      discarded: number;
      discardedByReason: Record<string, number>;
      p95LatencyMs: number | null;
    };
    const metrics = await waitUntil(
      "2 delivered and 3 discarded in the destination's metrics",
      async () => (await adminJson<Metrics>("GET", `/api/v1/destinations/${destinationId}/delivery`)).body,
      (answer) => answer.delivered >= 2 && answer.discarded >= 3,
    );
    // The 3 filtered events are counted as discarded only once the consumer decided them: none
    // can reach the receiver after this.
    expect(byId.has(ids.spam) || byId.has(ids.spamEmail) || byId.has(ids.noConsent)).toBe(false);
    expect(receivedIds().filter((id) => [ids.spam, ids.spamEmail, ids.noConsent].includes(id))).toEqual([]);
    // Nothing waits for a retry any more; one retry was scheduled on the way.
    expect(metrics).toMatchObject({
      delivered: 2,
      retrying: 0,
      retriesScheduled: 1,
      discarded: 3,
      discardedByReason: { "Filtered at destination": 2, "Filtered by end user consent": 1 },
    });
    expect(metrics.p95LatencyMs).toBeGreaterThan(0);

    const tested = await adminJson<{
      outcome: { kind: string };
      attempts: { request: { url: string; body: string }; response: { status: number; body: string } }[];
    }>("POST", `/api/v1/destinations/${destinationId}/test`, {});
    expect(tested.body.outcome.kind).toBe("delivered");
    expect(tested.body.attempts[0]).toMatchObject({ request: { url: receiverUrl }, response: { status: 200, body: "ok" } });
  });

  it("a destination that keeps failing delays no other destination", async () => {
    const source = await createSource(`two destinations ${uniqueId("e2e")}`);
    // Nothing listens on port 9 of localhost: every attempt fails and is retried.
    const down = await adminJson<{ destination: { id: string } }>("POST", "/api/v1/destinations", {
      name: "Down",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: "http://127.0.0.1:9/down" },
    });
    const up = await adminJson<{ destination: { id: string } }>("POST", "/api/v1/destinations", {
      name: "Up",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: receiverUrl },
    });
    const id = uniqueId("m");
    const analytics = new Analytics({ writeKey: source.writeKey, host: baseUrl(), flushAt: 1, flushInterval: 50 });
    analytics.track({ userId: "u2", event: "Ordered", messageId: id });
    await analytics.closeAndFlush();
    await waitUntil("the event at the working destination", () => receivedIds().includes(id), Boolean, { timeoutMs: 15_000 });
    const metricsOf = async (destinationId: string) =>
      (await adminJson<{ delivered: number; failed: number; retrying: number }>("GET", `/api/v1/destinations/${destinationId}/delivery`)).body;
    const delivered = await waitUntil(
      "the delivery counted for the working destination",
      () => metricsOf(up.body.destination.id),
      (m) => m.delivered > 0,
    );
    expect(delivered.delivered).toBe(1);
    // Not delayed by the failing one: the working destination has the event while the failing
    // one's copy still waits for a retry (it fails for 4 hours), not after it was given up.
    const failing = await waitUntil(
      "the failing destination's first attempt counted",
      () => metricsOf(down.body.destination.id),
      (m) => m.retrying > 0,
    );
    expect(failing).toMatchObject({ delivered: 0, failed: 0, retrying: 1 });
  });
});
