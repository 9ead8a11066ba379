import { describe, expect, inject, it } from "vitest";
import type { ReceivedRequest } from "../support/receiver/received";
import { admin } from "../support/workerd/admin";
import { waitFor } from "../support/workerd/archive";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";

/**
 * The `segment` destination type through the real queues: a local receiver stands in for a
 * Segment-compatible Tracking API and sees what Segment's own libraries would send it.
 */
async function received(path: string): Promise<ReceivedRequest[]> {
  return (await (await fetch(`${inject("receiverUrl")}${path}`)).json()) as ReceivedRequest[];
}

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
    const requests = await waitFor(() => received(path), (list) => list.flatMap((request) => request.body.batch as object[]).length >= 3, 20_000);
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
