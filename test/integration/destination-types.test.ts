import { describe, expect, inject, it } from "vitest";
import { admin } from "../support/workerd/admin";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";

/**
 * Destination types through the real queues, against a local HTTP receiver: a batching webhook
 * with custom headers, and `segment`, where the receiver stands in for a Segment-compatible
 * Tracking API and sees what Segment's own libraries would send it.
 */
async function hmacSha1Hex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("webhook destination, batched", () => {
  it("posts one signed JSON array per batch with the custom headers", async () => {
    const source = await createSource("Batching webhook source");
    const hook = `/hooks/${unique("batched")}`;
    const created = await admin("POST", "/destinations", {
      name: "Batched",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}`, sharedSecret: "s3cret", batch: true, headers: { "X-Team": "growth" } },
    });
    expect(created.status).toBe(201);
    const ids = [unique("b"), unique("b"), unique("b")];
    await sendBatch(
      source.writeKey,
      ids.map((messageId) => ({ type: "track", event: "Batched", userId: "u1", messageId })),
    );

    const requests = await waitUntil(
      `3 events posted to ${hook}`,
      () => received(hook),
      (list) => list.flatMap((request) => JSON.parse(request.raw) as object[]).length >= 3,
      { timeoutMs: 20_000 },
    );
    const events = requests.flatMap((request) => JSON.parse(request.raw) as { messageId: string }[]);
    expect(events.map((event) => event.messageId).sort()).toEqual([...ids].sort());
    expect(requests.length).toBeLessThan(3);
    for (const request of requests) {
      expect(request.headers["x-team"]).toBe("growth");
      expect(request.headers["x-signature"]).toBe(await hmacSha1Hex("s3cret", request.raw));
    }
  });
});

describe("segment destination", () => {
  it("forwards events to /v1/batch with the write key as HTTP Basic, without this workspace's own fields", async () => {
    const source = await createSource("Forwarding source");
    const endpoint = `${inject("receiverUrl")}/hooks/${unique("segment")}`;
    const created = await admin<{ destination: { id: string; settings: { writeKey: string; endpoint: string } } }>("POST", "/destinations", {
      name: "Segment",
      type: "segment",
      sourceIds: [source.id],
      settings: { endpoint, writeKey: "theirWriteKey" },
    });
    expect(created.status).toBe(201);
    expect(created.body.destination.settings.writeKey).toBe("********");
    const ids = [unique("fw"), unique("fw"), unique("fw")];
    await sendBatch(source.writeKey, [
      { type: "track", event: "Order Completed", userId: "u1", messageId: ids[0], properties: { revenue: 42 } },
      { type: "identify", userId: "u1", messageId: ids[1], traits: { plan: "pro" } },
      { type: "page", name: "Pricing", anonymousId: "a1", messageId: ids[2] },
    ]);

    const path = `${new URL(endpoint).pathname}/v1/batch`;
    const requests = await waitUntil(
      `3 events batched to ${path}`,
      () => received(path),
      (list) => list.flatMap((request) => request.body.batch as object[]).length >= 3,
      { timeoutMs: 20_000 },
    );
    const batch = requests.flatMap((request) => request.body.batch as Record<string, unknown>[]);
    expect(batch.map((event) => event.messageId).sort()).toEqual([...ids].sort());
    for (const request of requests) {
      expect(request.headers.authorization).toBe(`Basic ${btoa("theirWriteKey:")}`);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(Date.parse(String(request.body.sentAt))).not.toBeNaN();
    }
    const track = batch.find((event) => event.messageId === ids[0])!;
    expect(track).toMatchObject({ type: "track", event: "Order Completed", userId: "u1", properties: { revenue: 42 } });
    expect(typeof track.timestamp).toBe("string");
    expect(track).not.toHaveProperty("projectId");
    expect(track).not.toHaveProperty("receivedAt");
  });

  it("refuses settings without a write key, naming it", async () => {
    const source = await createSource("Forwarding source, no key");
    const refused = await admin<{ error: string }>("POST", "/destinations", { name: "Segment", type: "segment", sourceIds: [source.id], settings: {} });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("writeKey");
  });
});
