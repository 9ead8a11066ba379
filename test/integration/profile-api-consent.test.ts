import { describe, expect, it } from "vitest";
import { CONSENT_UPDATED_EVENT } from "../../src/identity/consent";
import { createSource, getProfile, profilePath, segmentIdOf, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

/** Consent records end to end: the Tracking API, the EVENTS and IDENTITY consumers, the Profile API. */

type ConsentAnswer = { consent: { categoryPreferences: Record<string, boolean>; updatedAt: string } | null };

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const consentOf = async (identifier: string, collection = "users") => {
  const { status, body } = await getProfile<ConsentAnswer>(profilePath(identifier, "consent", "", collection));
  return { status, body };
};
const withConsent = (categoryPreferences: Record<string, boolean>) => ({ consent: { categoryPreferences } });

describe("Profile API: consent", () => {
  it("records Segment Consent Preference Updated and identify calls, the newest by timestamp, and keeps the newest through a merge", async () => {
    const source = await createSource("Consent source");
    const [anonA, anonB, anonC] = [unique("anon"), unique("anon"), unique("anon")];
    const userId = unique("user");
    /** Sends `[identifier, event]` pairs in one batch (one person's are resolved in order) and waits for each. */
    const send = async (events: [string, Record<string, unknown>][]) => {
      const batch = events.map(([identifier, event]) => ({ identifier, event: { ...event, messageId: unique("msg") } }));
      await sendBatch(
        source.writeKey,
        batch.map(({ event }) => event),
      );
      for (const { identifier, event } of batch) await waitForEvent(identifier, event.messageId);
    };

    // Segment's example ("Consent in Unify") from one anonymous visitor; then another states
    // consent on an identify call, and a third sends an ordinary track with the consent object
    // (stamped on every event for routing), which records nothing.
    const first = { Advertising: true, Analytics: false, Functional: true, DataSharing: false };
    const firstAt = minutesAgo(30);
    const second = { Advertising: false, Analytics: true };
    const secondAt = minutesAgo(10);
    await send([
      [`anonymous_id:${anonA}`, { type: "track", event: CONSENT_UPDATED_EVENT, anonymousId: anonA, timestamp: firstAt, context: withConsent(first) }],
    ]);
    await send([
      [`anonymous_id:${anonB}`, { type: "identify", anonymousId: anonB, timestamp: secondAt, context: withConsent(second) }],
      [`anonymous_id:${anonC}`, { type: "track", event: "Viewed", anonymousId: anonC, context: withConsent({ Advertising: true }) }],
    ]);
    expect(await consentOf(`anonymous_id:${anonA}`)).toEqual({ status: 200, body: { consent: { categoryPreferences: first, updatedAt: firstAt } } });
    expect(await consentOf(`anonymous_id:${anonB}`)).toEqual({ status: 200, body: { consent: { categoryPreferences: second, updatedAt: secondAt } } });
    expect(await consentOf(`anonymous_id:${anonC}`)).toEqual({ status: 200, body: { consent: null } });

    // Both visitors turn out to be one user: A's profile, the older, survives the merge and takes
    // B's record, the newer.
    const segmentIdA = await segmentIdOf(`anonymous_id:${anonA}`);
    await send([
      [`user_id:${userId}`, { type: "identify", userId, anonymousId: anonA, timestamp: minutesAgo(5) }],
      [`user_id:${userId}`, { type: "track", event: "Signed In", userId, anonymousId: anonB, timestamp: minutesAgo(4) }],
    ]);
    expect(await segmentIdOf(`user_id:${userId}`)).toBe(segmentIdA);
    expect(await segmentIdOf(`anonymous_id:${anonB}`)).toBe(await segmentIdOf(`anonymous_id:${anonA}`));
    expect(await consentOf(`user_id:${userId}`)).toEqual({ status: 200, body: { consent: { categoryPreferences: second, updatedAt: secondAt } } });

    // A newer event replaces it; an older one arriving after it changes nothing.
    const latest = { Advertising: true, Analytics: true, Functional: false };
    const latestAt = minutesAgo(1);
    await send([
      [`user_id:${userId}`, { type: "track", event: CONSENT_UPDATED_EVENT, userId, timestamp: latestAt, context: withConsent(latest) }],
      [`user_id:${userId}`, { type: "track", event: CONSENT_UPDATED_EVENT, userId, timestamp: minutesAgo(60), context: withConsent({ Advertising: false }) }],
    ]);
    expect(await consentOf(`anonymous_id:${anonA}`)).toEqual({ status: 200, body: { consent: { categoryPreferences: latest, updatedAt: latestAt } } });
  });

  it("answers 404 like the other resources for an unknown profile, and null for an account", async () => {
    const source = await createSource("Consent accounts");
    const groupId = unique("group");
    const messageId = unique("msg");
    await sendBatch(source.writeKey, [
      { type: "group", groupId, userId: unique("user"), traits: { name: "Acme" }, messageId, context: withConsent({ Advertising: true }) },
    ]);
    await waitForEvent(`group_id:${groupId}`, messageId, "accounts");
    expect(await consentOf(`group_id:${groupId}`, "accounts")).toEqual({ status: 200, body: { consent: null } });
    expect(await consentOf(`user_id:${unique("nobody")}`)).toEqual({ status: 404, body: { error: { code: "not_found", message: "Profile was not found." } } });
  });
});
