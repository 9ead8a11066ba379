import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "../support/receiver/receiver";
import { adminFetch, baseUrl, createSource, uniqueId, waitForMessages, waitUntil } from "./support/sluice";

/**
 * Replay on `npm run dev`: events sent by analytics-node before a destination existed reach it
 * only through a replay of the archive, each once, in timestamp order, with progress to the end.
 */
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(() => receiver.close());

async function api<T>(method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
  const response = await adminFetch(path, { method, headers: { "Content-Type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as T };
}

interface Replay {
  id: string;
  status: "running" | "finished" | "failed";
  sent: number;
  total: number;
}

describe("replay on wrangler dev", () => {
  it("replays archived history into a destination created afterwards, completely and once", async () => {
    const source = await createSource(`replay ${uniqueId("e2e")}`);
    const analytics = new Analytics({ writeKey: source.writeKey, host: baseUrl(), flushAt: 50, flushInterval: 100 });
    const start = Date.parse("2026-01-01T00:00:00.000Z");
    const messageIds = Array.from({ length: 60 }, (_, index) => uniqueId(`replayed-${index}`));
    messageIds.forEach((messageId, index) => {
      // Timestamps run backwards against the sending order: the replay must put them right.
      const timestamp = new Date(start - index * 60_000);
      if (index % 3 === 0) analytics.identify({ userId: `user-${index}`, traits: { plan: "pro" }, messageId, timestamp });
      else analytics.track({ userId: `user-${index}`, event: "Report Exported", properties: { index }, messageId, timestamp });
    });
    await analytics.closeAndFlush();
    const archived = await waitForMessages(source.id, messageIds, 20_000);

    const path = `/replay/${uniqueId("target")}`;
    const created = await api<{ destination: { id: string } }>("POST", "/api/v1/destinations", {
      name: "Warehouse loader",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: receiver.url(path), sharedSecret: "replay" },
    });
    expect(created.status).toBe(201);
    const receivedAt = [...archived.values()].map((event) => Date.parse(event.receivedAt));
    const started = await api<{ replay: Replay }>("POST", "/api/v1/replays", {
      sourceId: source.id,
      destinationIds: [created.body.destination.id],
      from: new Date(Math.min(...receivedAt)).toISOString(),
      to: new Date(Math.max(...receivedAt) + 1).toISOString(),
    });
    expect(started.status).toBe(201);

    const replay = await waitUntil(
      "the replay to end",
      async () => (await api<{ replay: Replay }>("GET", `/api/v1/replays/${started.body.replay.id}`)).body.replay,
      (answer) => answer.status !== "running",
      { timeoutMs: 30_000 },
    );
    expect(replay).toMatchObject({ status: "finished", sent: 60, total: 60 });

    const delivered = receiver.accepted(path).map(({ body }) => body);
    expect(delivered.map((event) => event.messageId).sort()).toEqual([...messageIds].sort());
    // One archive object per flush: within each, oldest timestamp first.
    const byObject = new Map<string, string[]>();
    for (const event of delivered) {
      const hour = String(event.receivedAt).slice(0, 13);
      byObject.set(hour, [...(byObject.get(hour) ?? []), String(event.timestamp)]);
    }
    for (const timestamps of byObject.values()) expect(timestamps).toEqual([...timestamps].sort());
    const listed = await api<{ replays: Replay[] }>("GET", "/api/v1/replays");
    expect(listed.body.replays.find((entry) => entry.id === started.body.replay.id)).toMatchObject({ status: "finished", sent: 60, total: 60 });
  });
});
