import { describe, expect, it } from "vitest";
import { createSource, externalIds, getProfile, profileEventIds, profilePath, segmentIdOf, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

/** Segment's documented identity sequences, sent through the Tracking API and read back through the Profile API. */
describe("identity resolution through the pipeline", () => {
  it("Segment's e-commerce example ends with one profile: 3 anonymous_ids, 1 user_id, 1 ios.id, 1 android.id", async () => {
    const source = await createSource();
    const [anon1, anon2, anon3, userId, ios, android] = ["anon", "anon", "anon", "user", "ios", "and"].map(unique) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const iphone = { app: { name: "SegKicks" }, device: { id: ios, type: "ios" } };
    const phone = { id: android, type: "android" };
    const last = unique("msg");
    await sendBatch(source.writeKey, [
      { type: "track", event: "App Opened", anonymousId: anon1, context: iphone },
      { type: "track", event: "ShoeA Clicked", anonymousId: anon1, context: iphone },
      { type: "identify", anonymousId: anon1, userId, context: iphone },
      { type: "identify", anonymousId: anon2, userId, context: { app: { name: "SegKicks" }, device: phone } },
      { type: "identify", anonymousId: anon3, userId, context: { app: { name: "SegRuns" }, device: phone }, messageId: last },
    ]);
    await waitForEvent(`user_id:${userId}`, last);

    expect(await externalIds(`user_id:${userId}`)).toEqual({
      anonymous_id: [anon1, anon2, anon3].sort(),
      user_id: [userId],
      "ios.id": [ios],
      "android.id": [android],
    });
    const ids = await Promise.all(
      [`anonymous_id:${anon1}`, `anonymous_id:${anon3}`, `ios.id:${ios}`, `android.id:${android}`, `user_id:${userId}`].map((id) => segmentIdOf(id)),
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^use_[0-9A-Za-z]{27}$/);
  });

  it("Segment's priority example: a new user_id with a known email gets its own profile holding only that user_id", async () => {
    const source = await createSource();
    const [first, second, email] = [unique("abc"), unique("abc"), `${unique("jane")}@example1.com`];
    const done = unique("msg");
    await sendBatch(source.writeKey, [
      { type: "identify", userId: first, traits: { email } },
      { type: "identify", userId: second, traits: { email }, messageId: done },
    ]);
    await waitForEvent(`user_id:${second}`, done);

    expect(await externalIds(`user_id:${second}`)).toEqual({ user_id: [second] });
    expect(await externalIds(`user_id:${first}`)).toEqual({ user_id: [first], email: [email] });
    expect(await segmentIdOf(`user_id:${first}`)).not.toBe(await segmentIdOf(`user_id:${second}`));
  });

  it("merge protection: two users sharing an anonymous_id (no reset) stay two profiles", async () => {
    const source = await createSource();
    const [u1, u2, a1] = [unique("u1"), unique("u2"), unique("a1")];
    const done = unique("msg");
    await sendBatch(source.writeKey, [
      { type: "identify", userId: u1, anonymousId: a1 },
      { type: "identify", userId: u2, anonymousId: a1, messageId: done },
    ]);
    await waitForEvent(`user_id:${u2}`, done);

    expect(await segmentIdOf(`user_id:${u1}`)).not.toBe(await segmentIdOf(`user_id:${u2}`));
    expect(await segmentIdOf(`anonymous_id:${a1}`)).toBe(await segmentIdOf(`user_id:${u1}`));
    expect(await externalIds(`user_id:${u2}`)).toEqual({ user_id: [u2] });
  });

  it("blocked values are never identifiers: anonymousId 'anonymous' does not join two users", async () => {
    const source = await createSource();
    const [u1, u2] = [unique("u1"), unique("u2")];
    const done = unique("msg");
    await sendBatch(source.writeKey, [
      { type: "identify", userId: u1, anonymousId: "anonymous" },
      { type: "track", event: "Clicked", userId: u2, anonymousId: "0000-0000", messageId: done },
    ]);
    await waitForEvent(`user_id:${u2}`, done);

    expect(await externalIds(`user_id:${u1}`)).toEqual({ user_id: [u1] });
    expect(await externalIds(`user_id:${u2}`)).toEqual({ user_id: [u2] });
    expect((await getProfile(profilePath("anonymous_id:anonymous", "traits"))).status).toBe(404);
  });

  it("ga_client_id joins the visits before and after a reset", async () => {
    const source = await createSource();
    const [a1, a2, ga, userId] = [unique("a1"), unique("a2"), unique("ga"), unique("user")];
    const done = unique("msg");
    const integrations = { "Google Analytics": { clientId: ga } };
    await sendBatch(source.writeKey, [
      { type: "page", name: "Home", anonymousId: a1, integrations },
      { type: "identify", anonymousId: a1, userId },
      { type: "page", name: "Pricing", anonymousId: a2, integrations, messageId: done },
    ]);
    await waitForEvent(`anonymous_id:${a2}`, done);

    expect(await segmentIdOf(`anonymous_id:${a2}`)).toBe(await segmentIdOf(`user_id:${userId}`));
  });

  it("traits: last update wins, null removes, empty string stays; verbose, include and limit", async () => {
    const source = await createSource();
    const userId = unique("user");
    const done = unique("msg");
    // Recent times: the profile keeps 14 days of events, and the test waits for the last one.
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const [older, newer, oldest] = [hoursAgo(2), hoursAgo(1), hoursAgo(3)];
    await sendBatch(source.writeKey, [
      { type: "identify", userId, traits: { plan: "free", nickname: "jd", company: "Acme", age: 30 }, timestamp: older },
      { type: "identify", userId, traits: { plan: "pro", nickname: null, company: "" }, timestamp: newer },
      // Older than the update above: must not bring the old plan back.
      { type: "identify", userId, traits: { plan: "legacy" }, timestamp: oldest, messageId: done },
    ]);
    await waitForEvent(`user_id:${userId}`, done);

    const traits = await getProfile<{ traits: Record<string, unknown>; cursor: unknown }>(profilePath(`user_id:${userId}`, "traits"));
    expect(traits.status).toBe(200);
    expect(traits.headers.get("Request-Id")).toBeTruthy();
    expect(traits.body.traits).toEqual({ plan: "pro", company: "", age: 30 });
    expect(traits.body.cursor).toMatchObject({ has_more: false, next: "" });

    const verbose = await getProfile<{ traits: Record<string, { value: unknown; source_id: string; updated_at: string }> }>(
      profilePath(`user_id:${userId}`, "traits", "?verbose=true&include=plan"),
    );
    expect(verbose.body.traits).toEqual({ plan: { value: "pro", source_id: source.id, updated_at: newer } });

    const paged = await getProfile<{ traits: Record<string, unknown>; cursor: { has_more: boolean; next: string } }>(
      profilePath(`user_id:${userId}`, "traits", "?limit=2"),
    );
    expect(Object.keys(paged.body.traits)).toEqual(["age", "company"]);
    expect(paged.body.cursor).toMatchObject({ has_more: true, next: "plan" });
  });

  it("group calls build an account profile and link it to the user", async () => {
    const source = await createSource();
    const [userId, groupId] = [unique("user"), unique("grp")];
    const done = unique("msg");
    await sendBatch(source.writeKey, [{ type: "group", userId, groupId, traits: { name: "Acme Inc", employees: 40 }, messageId: done }]);
    await waitForEvent(`group_id:${groupId}`, done, "accounts");

    const account = await getProfile<{ traits: Record<string, unknown> }>(profilePath(`group_id:${groupId}`, "traits", "", "accounts"));
    expect(account.body.traits).toEqual({ name: "Acme Inc", employees: 40 });
    const links = await getProfile<{ data: { to_collection: string; external_ids: { type: string; id: string }[] }[] }>(
      profilePath(`user_id:${userId}`, "links"),
    );
    expect(links.body.data).toMatchObject([{ to_collection: "accounts", external_ids: [{ type: "group_id", id: groupId, collection: "accounts" }] }]);
    const userTraits = await getProfile<{ traits: Record<string, unknown> }>(profilePath(`user_id:${userId}`, "traits"));
    expect(userTraits.body.traits).toEqual({});
    const members = await getProfile<{ data: unknown[] }>(profilePath(`group_id:${groupId}`, "links", "", "accounts"));
    expect(members.body.data).toMatchObject([{ to_collection: "users", external_ids: [{ type: "user_id", id: userId, collection: "users" }] }]);
    // Users and accounts are separate collections: a group id is not a user identifier.
    expect((await getProfile(profilePath(`group_id:${groupId}`, "traits"))).status).toBe(404);
  });

  it("a merge carries every event of the merged profile, however many (copied in pages)", async () => {
    const source = await createSource();
    const [anon, userId] = [unique("anon"), unique("user")];
    const anonymousEvents = Array.from({ length: 130 }, (_, i) => ({ type: "track", event: `Viewed ${i}`, anonymousId: anon, messageId: unique("m") }));
    const userEvent = unique("m");
    await sendBatch(source.writeKey, anonymousEvents);
    await sendBatch(source.writeKey, [{ type: "track", event: "Signed In", userId, messageId: userEvent }]);
    // 130 events of one person resolve one after another: more to wait for than in other tests.
    await waitForEvent(`anonymous_id:${anon}`, anonymousEvents.at(-1)!.messageId, "users", 45_000);
    await waitForEvent(`user_id:${userId}`, userEvent, "users", 45_000);
    expect(await segmentIdOf(`anonymous_id:${anon}`)).not.toBe(await segmentIdOf(`user_id:${userId}`));

    const merging = unique("m");
    await sendBatch(source.writeKey, [{ type: "identify", userId, anonymousId: anon, messageId: merging }]);
    await waitForEvent(`user_id:${userId}`, merging, "users", 45_000);
    expect(await segmentIdOf(`anonymous_id:${anon}`)).toBe(await segmentIdOf(`user_id:${userId}`));

    const { ids: seen } = await profileEventIds(`user_id:${userId}`);
    expect(seen.sort()).toEqual([...anonymousEvents.map((event) => event.messageId), userEvent, merging].sort());
  }, 120_000);
});
