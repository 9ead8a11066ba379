import { describe, expect, inject, it } from "vitest";
import { admin } from "../support/workerd/admin";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";

/**
 * A destination that answers 429 with `Retry-After` gets its event again only after the wait it
 * asked, through the real DELIVERIES queue. The test config's own backoff starts at 1 s
 * (DELIVERY_RETRY_FIRST_DELAY_SECONDS) and the local queue adds up to its 1 s batch timeout, so
 * without the header the resend comes about 2 s later: the test asks for 4 s, which only the
 * header explains. Times are the receiver's, compared with each other: what the destination
 * observed, not our speed.
 */
describe("Retry-After from a destination", () => {
  it("a 429 with Retry-After: 4, then 200: delivered once, not before the asked 4 seconds", async () => {
    const source = await createSource("Retry-After source");
    const hook = `/hooks/${unique("rate-limited")}`;
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Rate limited",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}?fail=429x1&retryAfter=4` },
    });
    const messageId = unique("asked-to-wait");
    await sendBatch(source.writeKey, [{ type: "track", event: "Rate Limited", userId: "u1", messageId }]);

    const destinationId = created.body.destination.id;
    await waitUntil(
      "the event delivered after the asked wait",
      () => admin<{ delivered: number; retrying: number }>("GET", `/destinations/${destinationId}/delivery`),
      (answer) => answer.body.delivered === 1 && answer.body.retrying === 0,
      { timeoutMs: 20_000 },
    );
    const requests = (await received(hook)).filter((request) => request.body.messageId === messageId);
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
    expect(requests[1]!.at - requests[0]!.at, "ms between the 429 and the resend").toBeGreaterThanOrEqual(4_000);
  });
});
