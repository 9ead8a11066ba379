import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compileIdentityConfig, DEFAULT_IDENTITY_CONFIG } from "../../src/identity/identity-config";
import { resolveEvents } from "../../src/pipeline/identity/identity-stage";
import { createIdentityStore } from "../../src/identity/durable-store";
import worker from "../../workers/index";
import { waitUntil } from "../support/wait-until";
import { acceptedEvent } from "../support/workerd/events";
import { createSource, getProfile, profilePath, segmentIdOf, sendBatch, unique } from "../support/workerd/profiles";

const store = () =>
  createIdentityStore(
    {
      index: (name) => env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(name)),
      profile: (id) => env.PROFILES.get(env.PROFILES.idFromName(id)),
    },
    env.SPACE_ID,
  );

async function allSegmentIds(identifiers: string[]): Promise<(string | undefined)[]> {
  return Promise.all(identifiers.map((identifier) => segmentIdOf(identifier)));
}

describe("identity under concurrency", () => {
  it("parallel events linking the same identifiers, resolved at once, end in one profile", async () => {
    const device = unique("dev");
    const anons = Array.from({ length: 24 }, () => unique("anon"));
    const sourceId = unique("src");
    // The default limit of 5 anonymous_ids a profile would rightly split these 24 between
    // profiles, in an order-dependent way; this test is about races, so the limit is lifted.
    const rules = { ...DEFAULT_IDENTITY_CONFIG, limits: { ...DEFAULT_IDENTITY_CONFIG.limits, anonymous_id: { max: 100, window: "ever" as const } } };
    const deps = { store: store(), config: compileIdentityConfig(rules), now: () => new Date() };
    // Every event carries the shared device and one anonymous id; each pair of neighbours also
    // shares an anonymous id, so any two events may create, claim or merge at the same moment.
    const events = anons.map((anon, i) =>
      acceptedEvent(sourceId, unique("m"), {
        userId: undefined,
        anonymousId: anon,
        context: {
          device: { id: device, type: "ios" },
          externalIds: [{ id: anons[(i + 1) % anons.length], type: "anonymous_id", collection: "users", encoding: "none" }],
        },
      }),
    );
    const outcomes = await Promise.all(events.map((event) => resolveEvents([event], deps)));
    expect(outcomes.map((outcome) => outcome.failed.size)).toEqual(events.map(() => 0));

    const ids = await allSegmentIds([`ios.id:${device}`, ...anons.map((anon) => `anonymous_id:${anon}`)]);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(1);
    const events100 = await getProfile<{ data: unknown[] }>(profilePath(`ios.id:${device}`, "events", "?limit=100"));
    expect(events100.body.data).toHaveLength(anons.length);
  });

  it("parallel Tracking API requests for one person converge to one segment_id", async () => {
    const source = await createSource();
    const [userId, device, email] = [unique("user"), unique("dev"), `${unique("jane")}@example.com`];
    const [a1, a2, a3] = [unique("a1"), unique("a2"), unique("a3")];
    const phone = { device: { id: device, type: "android" } };
    // Six calls that each link two or three of one person's identifiers (all within the default
    // limits), sent three times over as separate requests at once: whatever order the consumer
    // sees them in, and however the resolutions interleave, the person must end as one profile.
    const calls = [
      { type: "track", event: "Opened", anonymousId: a1, context: phone },
      { type: "track", event: "Viewed", anonymousId: a2, context: phone },
      { type: "identify", userId, anonymousId: a3 },
      { type: "identify", anonymousId: a3, traits: { email } },
      { type: "identify", userId, anonymousId: a1, traits: { email } },
      { type: "track", event: "Bought", anonymousId: a2, userId },
    ];
    await Promise.all([...calls, ...calls, ...calls].map((call) => sendBatch(source.writeKey, [call])));

    const identifiers = [`user_id:${userId}`, `email:${email}`, `android.id:${device}`, `anonymous_id:${a1}`, `anonymous_id:${a2}`, `anonymous_id:${a3}`];
    const ids = await waitUntil(
      "every identifier to resolve to one profile",
      () => allSegmentIds(identifiers),
      (found) => found.every((id) => id !== undefined) && new Set(found).size === 1,
      { timeoutMs: 20_000 },
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^use_/);
    const events = await waitUntil(
      "18 events on the merged profile",
      () => getProfile<{ data: unknown[] }>(profilePath(`user_id:${userId}`, "events", "?limit=100")),
      (answer) => answer.body.data.length >= 18,
    );
    expect(events.body.data).toHaveLength(18);
  });
});

describe("identity is idempotent", () => {
  const deliver = async (message: { id: string; body: unknown; timestamp: Date }, attempts: number) => {
    const batch = createMessageBatch("sluice-identity", [{ ...message, attempts }]);
    await worker.queue(batch, env);
    return getQueueResult(batch, createExecutionContext());
  };

  it("a redelivered identity message changes nothing: one event, same identifiers and traits", async () => {
    const sourceId = unique("src");
    const [userId, anon] = [unique("user"), unique("anon")];
    const events = [
      acceptedEvent(sourceId, unique("m"), { type: "identify", userId, anonymousId: anon, traits: { plan: "pro" } }),
      acceptedEvent(sourceId, unique("m"), { type: "track", event: "Bought", userId, anonymousId: unique("anon2") }),
    ];
    const message = { id: unique("qmsg"), body: { v: 1, events }, timestamp: new Date() };
    for (const attempts of [1, 2, 3]) expect((await deliver(message, attempts)).explicitAcks).toEqual([message.id]);

    const profileEvents = await getProfile<{ data: { message_id: string }[] }>(profilePath(`user_id:${userId}`, "events"));
    expect(profileEvents.body.data.map((event) => event.message_id).sort()).toEqual(events.map((event) => event.messageId).sort());
    const ids = await getProfile<{ data: unknown[] }>(profilePath(`user_id:${userId}`, "external_ids"));
    expect(ids.body.data).toHaveLength(3);
    expect((await getProfile<{ traits: object }>(profilePath(`anonymous_id:${anon}`, "traits"))).body.traits).toEqual({ plan: "pro" });
  });

  it("counts a redelivered event's violations once", async () => {
    // "null" is a blocked value by default; each delivery finds the same violation.
    const event = acceptedEvent(unique("src"), unique("m"), { userId: unique("user"), anonymousId: "null" });
    const message = { id: unique("qmsg"), body: { v: 1, events: [event] }, timestamp: new Date() };
    for (const attempts of [1, 2]) await deliver(message, attempts);
    const rows = await env.DB.prepare("SELECT reason, type FROM identity_violations WHERE message_id = ?").bind(event.messageId).all();
    expect(rows.results).toEqual([{ reason: "ID value blocked", type: "anonymous_id" }]);
  });
});
