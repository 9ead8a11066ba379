import { Analytics } from "@segment/analytics-node";
import { describe, expect, it } from "vitest";
import { adminFetch, baseUrl, createSource, DEV, pipelineStats, readArchive, uniqueId, waitForMessages, waitUntil } from "./support/sluice";

/**
 * Suppression on `wrangler dev`: a userId suppressed through the Regulations API, and what
 * Segment's own server library then sends about that person (by userId, or by the anonymous id
 * their profile holds) never reaches the archive export, while another user's events do.
 */

interface SentEvent {
  messageId: string;
  userId?: string;
  anonymousId?: string;
}

async function regulate(regulationType: string, subjectIds: string[]): Promise<{ status: number; body: { regulation: { id: string; status: string } } }> {
  const response = await adminFetch("/api/v1/regulations", { method: "POST", body: JSON.stringify({ regulationType, subjectType: "USER_ID", subjectIds }) });
  return { status: response.status, body: (await response.json()) as { regulation: { id: string; status: string } } };
}

async function profileStatus(identifier: string): Promise<number> {
  const response = await fetch(`${baseUrl()}/v1/spaces/default/collections/users/profiles/${identifier}/metadata`, {
    headers: { Authorization: `Basic ${Buffer.from(`${DEV.profileToken}:`).toString("base64")}` },
  });
  await response.body?.cancel();
  return response.status;
}

/** A client whose sent events are captured from its own requests. */
function newClient(writeKey: string): { analytics: Analytics; sent: SentEvent[]; requests: () => number } {
  const analytics = new Analytics({ writeKey, host: baseUrl(), path: "/v1/batch", flushAt: 20, flushInterval: 200, maxRetries: 3 });
  const sent: SentEvent[] = [];
  let requests = 0;
  analytics.on("http_request", (request) => {
    requests += 1;
    sent.push(...(JSON.parse(String(request.body)) as { batch: SentEvent[] }).batch);
  });
  return { analytics, sent, requests: () => requests };
}

describe("suppression with @segment/analytics-node", () => {
  it("keeps a suppressed user's events, by userId and by their anonymous id, out of the archive while another user's arrive", async () => {
    const source = await createSource(`suppression ${uniqueId("e2e")}`);
    const [userId, anonymousId, other] = [uniqueId("user"), uniqueId("anon"), uniqueId("other")];

    // The person signs in once, so their profile holds the anonymous id too.
    const before = newClient(source.writeKey);
    before.analytics.identify({ userId, anonymousId, traits: { plan: "pro" } });
    await before.analytics.closeAndFlush({ timeout: 20_000 });
    await waitUntil(
      `the profile of ${anonymousId}`,
      () => profileStatus(`anonymous_id:${anonymousId}`),
      (status) => status === 200,
      { timeoutMs: 20_000 },
    );

    const suppressed = await regulate("SUPPRESS_ONLY", [userId]);
    expect(suppressed.status).toBe(201);
    expect(suppressed.body.regulation.status).toBe("FINISHED");

    const after = newClient(source.writeKey);
    after.analytics.track({ userId, event: "Secret Viewed" });
    after.analytics.track({ anonymousId, event: "Secret Viewed" });
    after.analytics.page({ userId, anonymousId, name: "Secret" });
    after.analytics.track({ userId: other, event: "Free Viewed" });
    after.analytics.identify({ userId: other, traits: { plan: "free" } });
    await after.analytics.closeAndFlush({ timeout: 20_000 });
    // One request, so one queue message: once another user's events are archived, the
    // suppressed ones beside them have been through the consumer too.
    expect(after.sent).toHaveLength(5);
    expect(after.requests()).toBe(1);

    const others = after.sent.filter((event) => event.userId === other).map((event) => event.messageId);
    await waitForMessages(source.id, others, 20_000);
    const archived = new Set((await readArchive({ sourceId: source.id })).map((event) => event.messageId));
    const gone = after.sent.filter((event) => event.userId !== other).map((event) => event.messageId);
    expect(gone).toHaveLength(3);
    for (const messageId of gone) expect(archived.has(messageId), messageId).toBe(false);
    // The identify from before the regulation stays: suppression stops what comes next (deletion is another regulation).
    expect(archived.has(before.sent[0]!.messageId)).toBe(true);
    // What a suppressed event leaves behind: a count.
    const suppressedTotal = async () => (await pipelineStats(source.id)).suppressedByDay.reduce((sum, { count }) => sum + count, 0);
    await waitUntil("the 3 suppressed events counted in pipeline stats", suppressedTotal, (total) => total >= 3, { timeoutMs: 10_000 });
    expect(await suppressedTotal()).toBe(3);
  });
});
