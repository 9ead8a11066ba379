import { describe, expect, inject, it } from "vitest";
import { webhookSignature } from "../../src/destinations/webhook-signature";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { createSource, unique } from "../support/workerd/profiles";
import { startRegulation, waitForRegulation } from "../support/workerd/privacy";
import { received } from "../support/workerd/received";

/**
 * A deletion forwarded to destinations (DELETE_ONLY), against real HTTP endpoints: each webhook
 * gets `{"type":"delete","userId"}` per subject, signed like events; one refusing it fails alone.
 * In a file of its own: a forwarded deletion goes to every enabled destination of the workspace.
 */
async function webhook(sourceId: string, hook: string, extra: object = {}): Promise<string> {
  const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
    name: `Deletion target ${hook}`,
    type: "webhook",
    sourceIds: [sourceId],
    settings: { url: `${inject("receiverUrl")}${hook}`, sharedSecret: "deletion-secret" },
    ...extra,
  });
  expect(created.status).toBe(201);
  return created.body.destination.id;
}

describe("forwarding a deletion to destinations", () => {
  it("sends each webhook a signed delete per userId, retries a 5xx, and ends PARTIAL_SUCCESS when one refuses", async () => {
    const source = await createSource("Forwarding");
    const hooks = {
      ok: `/hooks/${unique("ok")}`,
      flaky: `/hooks/${unique("flaky")}`,
      refusing: `/hooks/${unique("refusing")}`,
      off: `/hooks/${unique("off")}`,
    };
    const ok = await webhook(source.id, hooks.ok);
    const flaky = await webhook(source.id, `${hooks.flaky}?fail=503x1`);
    const refusing = await webhook(source.id, `${hooks.refusing}?fail=400x9`);
    await webhook(source.id, hooks.off, { enabled: false });
    const segment = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Another workspace",
      type: "segment",
      sourceIds: [source.id],
      settings: { endpoint: `${inject("receiverUrl")}/hooks/${unique("segment")}`, writeKey: "wk" },
    });
    const userIds = [unique("gone"), unique("gone")];

    const regulation = await startRegulation(
      "DELETE_ONLY",
      userIds,
      userIds.map((id) => `user_id:${id}`),
    );
    const done = await waitForRegulation(regulation.id);

    const arrived = await received(hooks.ok);
    expect(arrived.map((request) => request.body)).toEqual(userIds.map((userId, i) => ({ type: "delete", userId, messageId: `${regulation.id}-${i}` })));
    for (const request of arrived) expect(request.headers["x-signature"]).toBe(await webhookSignature("deletion-secret", request.raw));
    const retried = await waitUntil(
      `the flaky webhook's answers`,
      () => received(hooks.flaky),
      (list) => list.length === 4,
    );
    expect(retried.map((request) => [request.body.userId, request.status])).toEqual([
      [userIds[0], 503],
      [userIds[0], 200],
      [userIds[1], 503],
      [userIds[1], 200],
    ]);
    // A refusal is final: the first subject's 400 ends that destination, and only it.
    expect((await received(hooks.refusing)).map((request) => request.status)).toEqual([400]);
    expect(await received(hooks.off)).toEqual([]);

    expect(done.status).toBe("PARTIAL_SUCCESS");
    expect(done.error).toBe(`destination ${refusing}: the destination answered 400 to a deletion; not retried`);
    expect(done.progress.destinations).toEqual({
      [ok]: { status: "done", removed: { forwarded: 2 } },
      [flaky]: { status: "done", removed: { forwarded: 2 } },
      [refusing]: { status: "failed", removed: { forwarded: 0 }, error: "the destination answered 400 to a deletion; not retried" },
      [segment.body.destination.id]: { status: "skipped", removed: {}, error: "a segment destination takes no deletions" },
    });
    // Nothing of theirs was held: every internal store is done with nothing removed, and verified.
    expect(Object.values(done.progress.stores).every((store) => store.status === "done")).toBe(true);
    expect(done.progress.verification).toMatchObject({ objectsChecked: 0, occurrences: 0, profilesStillFound: 0 });
  }, 60_000);
});
