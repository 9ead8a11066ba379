import { Analytics } from "@segment/analytics-node";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, countByMessageId, createSource, pipelineStats, readArchive, uniqueId, waitForMessages, waitUntil, type Source } from "./support/sluice";

/**
 * Segment's own server library, unchanged except for `host`, talking to Sluice's /v1/batch.
 * What it sends (captured from its `http_request` events) must come out of the archive once
 * each, enriched as DESIGN.md says.
 */

interface SentEvent {
  type: string;
  messageId: string;
  timestamp: string;
  [field: string]: unknown;
}

interface Client {
  analytics: Analytics;
  sent: SentEvent[];
  statuses: number[];
  errors: unknown[];
}

function newClient(source: Source, flushAt: number): Client {
  const analytics = new Analytics({
    writeKey: source.writeKey,
    host: baseUrl(),
    path: "/v1/batch",
    flushAt,
    flushInterval: 200,
    maxRetries: 3,
  });
  const client: Client = { analytics, sent: [], statuses: [], errors: [] };
  analytics.on("http_request", (request) => {
    const body = JSON.parse(String(request.body)) as { batch: SentEvent[] };
    client.sent.push(...body.batch);
  });
  analytics.on("http_response", (response) => client.statuses.push(response.status));
  analytics.on("error", (error) => client.errors.push(error));
  return client;
}

describe("@segment/analytics-node against Sluice", () => {
  let source: Source;

  beforeAll(async () => {
    source = await createSource(`analytics-node ${uniqueId("e2e")}`);
  });

  it("archives every call type once, enriched, with the library's context and corrected timestamps", async () => {
    const client = newClient(source, 2);
    const { analytics } = client;
    const run = uniqueId("run");
    const sentFrom = Date.now();

    analytics.identify({ userId: `${run}-identify`, traits: { email: "ada@example.com", plan: "pro" } });
    analytics.track({
      userId: `${run}-track`,
      event: "Order Completed",
      properties: { orderId: "o-1", revenue: 42.5, items: [{ sku: "A" }] },
    });
    analytics.page({
      userId: `${run}-page`,
      category: "Docs",
      name: "Pricing",
      properties: { path: "/pricing", referrer: "https://example.org/" },
    });
    analytics.screen({ anonymousId: `${run}-screen`, name: "Home Screen", properties: { variant: "B" } });
    analytics.group({ userId: `${run}-group`, groupId: `${run}-acme`, traits: { name: "Acme", employees: 120 } });
    analytics.alias({ userId: `${run}-alias-new`, previousId: `${run}-alias-old` });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(client.errors).toEqual([]);
    expect(client.sent).toHaveLength(6);
    expect(client.statuses.length).toBeGreaterThanOrEqual(3); // flushAt 2: at least three requests
    expect(client.statuses.every((status) => status === 200)).toBe(true);

    const sentIds = client.sent.map((event) => event.messageId);
    expect(new Set(sentIds).size).toBe(6);
    const archived = await waitForMessages(source.id, sentIds);
    const readBy = Date.now();

    // Exactly once: one line per messageId, nothing else in this fresh source.
    const all = await readArchive({ sourceId: source.id });
    expect(all).toHaveLength(6);
    expect([...countByMessageId(all).values()]).toEqual([1, 1, 1, 1, 1, 1]);

    const byType = new Map(client.sent.map((event) => [event.type, archived.get(event.messageId)!]));
    expect([...byType.keys()].sort()).toEqual(["alias", "group", "identify", "page", "screen", "track"]);

    expect(byType.get("identify")).toMatchObject({
      userId: `${run}-identify`,
      traits: { email: "ada@example.com", plan: "pro" },
    });
    expect(byType.get("track")).toMatchObject({
      userId: `${run}-track`,
      event: "Order Completed",
      properties: { orderId: "o-1", revenue: 42.5, items: [{ sku: "A" }] },
    });
    expect(byType.get("page")).toMatchObject({
      userId: `${run}-page`,
      category: "Docs",
      name: "Pricing",
      properties: { path: "/pricing", referrer: "https://example.org/" },
    });
    expect(byType.get("screen")).toMatchObject({
      anonymousId: `${run}-screen`,
      name: "Home Screen",
      properties: { variant: "B" },
    });
    expect(byType.get("group")).toMatchObject({
      userId: `${run}-group`,
      groupId: `${run}-acme`,
      traits: { name: "Acme", employees: 120 },
    });
    expect(byType.get("alias")).toMatchObject({ userId: `${run}-alias-new`, previousId: `${run}-alias-old` });

    for (const sent of client.sent) {
      const event = archived.get(sent.messageId)!;
      expect(event.type).toBe(sent.type);
      expect(event.projectId).toBe(source.id);
      expect(event).not.toHaveProperty("writeKey");
      expect(JSON.stringify(event)).not.toContain(source.writeKey);
      expect(event.context).toMatchObject({ library: { name: "@segment/analytics-node" } });
      expect(typeof event.context.ip).toBe("string");

      const receivedAt = Date.parse(event.receivedAt);
      expect(event.receivedAt).toBe(new Date(receivedAt).toISOString());
      // Stamped on arrival (Sluice runs on this machine's clock): after sending began, before we read it.
      expect(receivedAt).toBeGreaterThanOrEqual(sentFrom);
      expect(receivedAt).toBeLessThanOrEqual(readBy);

      // The library stamps each event; the archive keeps it and corrects for the client's clock.
      expect(event.originalTimestamp).toBe(sent.timestamp);
      expect(typeof event.sentAt).toBe("string");
      const skew = Date.parse(event.sentAt as string) - Date.parse(sent.timestamp);
      expect(Date.parse(event.timestamp)).toBe(receivedAt - skew);
    }

    const stats = await pipelineStats(source.id);
    expect(stats).toMatchObject({ windowHours: 24, archived: 6, duplicates: 0 });
  });

  it("archives a messageId sent twice only once and counts the duplicate", async () => {
    const dedupeSource = await createSource(`analytics-node dedupe ${uniqueId("e2e")}`);
    const client = newClient(dedupeSource, 1); // one request per event: two separate deliveries
    const { analytics } = client;
    const duplicateId = uniqueId("dup");
    const userId = uniqueId("dedupe-user");

    analytics.track({ userId, event: "Signed Up", messageId: duplicateId, properties: { attempt: 1 } });
    analytics.track({ userId, event: "Signed Up", messageId: duplicateId, properties: { attempt: 2 } });
    analytics.track({ userId, event: "Trial Started" });
    await analytics.closeAndFlush({ timeout: 20_000 });

    expect(client.errors).toEqual([]);
    expect(client.sent.map((event) => event.messageId).filter((id) => id === duplicateId)).toHaveLength(2);
    expect(client.statuses).toEqual([200, 200, 200]);
    const otherId = client.sent.find((event) => event.event === "Trial Started")!.messageId;

    await waitForMessages(dedupeSource.id, [duplicateId, otherId]);
    const stats = await waitUntil(
      "the duplicate counted in the pipeline stats",
      () => pipelineStats(dedupeSource.id),
      (answer) => answer.duplicates >= 1,
    );
    expect(stats).toMatchObject({ windowHours: 24, archived: 2 });
    expect(stats.duplicates).toBeGreaterThanOrEqual(1);

    // The duplicate has been judged (counted above), so the archive is final for these ids.
    const all = await readArchive({ sourceId: dedupeSource.id });
    const counts = countByMessageId(all);
    expect(counts.get(duplicateId)).toBe(1);
    expect(counts.get(otherId)).toBe(1);
    expect(all).toHaveLength(2);
    const kept = all.find((event) => event.messageId === duplicateId)!;
    expect(kept).toMatchObject({ type: "track", event: "Signed Up", userId, projectId: dedupeSource.id });
    expect([1, 2]).toContain((kept.properties as { attempt: number }).attempt);
  });
});
