import { describe, expect, inject, it } from "vitest";
import type { DeadLetteredDelivery } from "../../src/destinations/dead-letters";
import { admin } from "../support/workerd/admin";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";

/**
 * A destination that refuses an event (400) dead-letters it through the real queues into R2;
 * the admin API lists it with the reason and re-drives it into a delivery.
 */
describe("the deliveries dead-letter queue", () => {
  it("keeps what a destination refused, lists it per destination, and re-drives it once", async () => {
    const source = await createSource("Dead letters");
    const hook = `/hooks/${unique("refusing")}`;
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Refuses once",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}?fail=400x1` },
    });
    const bystander = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Takes everything",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}/hooks/${unique("bystander")}` },
    });
    const destinationId = created.body.destination.id;
    const ids = [unique("refused"), unique("refused/with a slash")];
    await sendBatch(
      source.writeKey,
      ids.map((messageId) => ({ type: "track", event: "Refused", userId: "u1", messageId })),
    );

    const listed = await waitUntil(
      "2 dead letters listed for the destination",
      () => admin<{ deadLetters: DeadLetteredDelivery[] }>("GET", `/destinations/${destinationId}/dead-letters`),
      (answer) => answer.body.deadLetters.length === 2,
      { timeoutMs: 20_000 },
    );
    expect(listed.body.deadLetters.map((letter) => letter.events[0]!.messageId).sort()).toEqual([...ids].sort());
    expect(listed.body.deadLetters[0]!.reason).toContain("answered 400");
    expect((await admin<{ deadLetters: unknown[] }>("GET", `/destinations/${bystander.body.destination.id}/dead-letters`)).body.deadLetters).toEqual([]);
    const paged = await admin<{ deadLetters: DeadLetteredDelivery[]; next?: string }>("GET", `/destinations/${destinationId}/dead-letters?limit=1`);
    expect(paged.body.deadLetters).toHaveLength(1);
    const rest = await admin<{ deadLetters: DeadLetteredDelivery[]; next?: string }>(
      "GET",
      `/destinations/${destinationId}/dead-letters?limit=1&after=${encodeURIComponent(paged.body.next!)}`,
    );
    expect(rest.body.deadLetters.map((letter) => letter.id)).not.toEqual(paged.body.deadLetters.map((letter) => letter.id));
    expect(rest.body.next).toBeUndefined();

    const foreign = await admin<{ error: string }>("POST", `/destinations/${destinationId}/dead-letters/redrive`, {
      ids: ["dead-letter/sluice-deliveries-dlq/other/x.json"],
    });
    expect(foreign.status).toBe(400);
    const redriven = await admin<{ redriven: { deadLetters: number; events: number }; remaining: boolean }>(
      "POST",
      `/destinations/${destinationId}/dead-letters/redrive`,
      {},
    );
    expect(redriven.body).toEqual({ redriven: { deadLetters: 2, events: 2 }, remaining: false });

    const answers = await waitUntil(
      `2 re-driven requests answered 200 at ${hook}`,
      () => received(hook),
      (list) => list.filter((request) => request.status === 200).length === 2,
      { timeoutMs: 20_000 },
    );
    for (const id of ids) expect(answers.filter((request) => request.body.messageId === id).map((request) => request.status)).toEqual([400, 200]);
    expect((await admin<{ deadLetters: unknown[] }>("GET", `/destinations/${destinationId}/dead-letters`)).body.deadLetters).toEqual([]);
    const metrics = await admin<{ delivered: number; failed: number }>("GET", `/destinations/${destinationId}/delivery`);
    expect(metrics.body).toMatchObject({ delivered: 2, failed: 2 });
  });
});
