import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeliveriesMessage } from "./consume-deliveries";
import type { Destination } from "./destination-store";
import { redriveDeadLetters } from "./redrive-dead-letters";

const NOW = new Date("2026-05-01T12:00:00Z");

/** A DELIVERIES queue that keeps what was sent, so the test reads exactly what a re-drive queued. */
function recordingQueue() {
  const sent: DeliveriesMessage[] = [];
  const queue = {
    send: (body: DeliveriesMessage) => {
      sent.push(body);
      return Promise.resolve();
    },
    sendBatch: (messages: Iterable<{ body: DeliveriesMessage }>) => {
      for (const message of messages) sent.push(message.body);
      return Promise.resolve();
    },
  } as unknown as Queue;
  return { queue, sent };
}

function destination(): Destination {
  const id = `ds_redrive_${crypto.randomUUID().slice(0, 8)}`;
  return { id, name: "Re-drive", type: "webhook", enabled: true, sourceIds: ["src_1"], settings: { url: "https://example.com" }, consentCategories: [] };
}

/** A per-event dead letter as the DLQ consumer keeps it (src/queues/dead-letter.ts); answers its key. */
async function deadLetter(destinationId: string, messageId: string): Promise<string> {
  const key = `dead-letter/sluice-deliveries-dlq/${encodeURIComponent(destinationId)}/2026-05-01/${messageId}.json`;
  const event = { type: "track", event: "Refused", messageId, projectId: "src_1", userId: "u1", receivedAt: NOW.toISOString(), properties: {}, context: {} };
  await env.ARCHIVE.put(
    key,
    JSON.stringify({
      queue: "sluice-deliveries-dlq",
      messageId,
      reason: "answered 400",
      attempts: 1,
      deadLetteredAt: NOW.toISOString(),
      body: { destinationId, event },
    }),
  );
  return key;
}

describe("redriveDeadLetters", () => {
  it("re-drives only the dead letter named, and leaves the others where they are", async () => {
    const target = destination();
    const [first, second] = [await deadLetter(target.id, "m-first"), await deadLetter(target.id, "m-second")];
    const { queue, sent } = recordingQueue();

    const result = await redriveDeadLetters({ ARCHIVE: env.ARCHIVE, DELIVERIES: queue }, target, [second], NOW);

    expect(result).toEqual({ ok: true, redriven: { deadLetters: 1, events: 1 }, remaining: false });
    expect(sent).toEqual([expect.objectContaining({ destinationId: target.id, attempts: 0, events: [expect.objectContaining({ messageId: "m-second" })] })]);
    expect(await env.ARCHIVE.head(second)).toBeNull();
    expect(await env.ARCHIVE.head(first)).not.toBeNull();
  });

  it("re-drives nothing for a named dead letter already gone, and refuses one of another destination", async () => {
    const target = destination();
    const other = destination();
    const gone = await deadLetter(target.id, "m-gone");
    const foreign = await deadLetter(other.id, "m-foreign");
    const { queue, sent } = recordingQueue();
    await env.ARCHIVE.delete(gone);

    expect(await redriveDeadLetters({ ARCHIVE: env.ARCHIVE, DELIVERIES: queue }, target, [gone], NOW)).toEqual({
      ok: true,
      redriven: { deadLetters: 0, events: 0 },
      remaining: false,
    });
    expect(await redriveDeadLetters({ ARCHIVE: env.ARCHIVE, DELIVERIES: queue }, target, [foreign], NOW)).toMatchObject({
      ok: false,
      status: 400,
      field: "ids",
    });
    expect(sent.flatMap((message) => message.events)).toEqual([]);
    expect(await env.ARCHIVE.head(foreign)).not.toBeNull();
  });
});
