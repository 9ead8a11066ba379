import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { waitUntil } from "../support/wait-until";
import { createSource, externalIds, getProfile, PROFILE_AUTH, profilePath, segmentIdOf, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };

describe("Profile API", () => {
  it("refuses bad credentials, bad parameters, unknown spaces and profiles with Segment's error shape", async () => {
    const source = await createSource();
    const userId = unique("user");
    const done = unique("msg");
    await sendBatch(source.writeKey, [{ type: "identify", userId, traits: { plan: "pro" }, messageId: done }]);
    await waitForEvent(`user_id:${userId}`, done);
    const path = profilePath(`user_id:${userId}`, "traits");

    const anonymous = await app.request(path, {}, env);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "authentication_error" } });
    const wrong = await app.request(path, { headers: { Authorization: `Basic ${btoa("nope:")}` } }, env);
    expect(wrong.status).toBe(401);
    const unconfigured = await app.request(path, { headers: PROFILE_AUTH }, { ...env, PROFILE_TOKEN: undefined });
    expect(unconfigured.status).toBe(401);

    const invalid = [
      profilePath(`user_id:${userId}`, "traits", "?limit=0"),
      profilePath(`user_id:${userId}`, "traits", "?limit=201"),
      profilePath(`user_id:${userId}`, "traits", "?limit=1e1"),
      profilePath(`user_id:${userId}`, "events", "?limit=101"),
      profilePath(`user_id:${userId}`, "events", "?sort=sideways"),
      profilePath(`user_id:${userId}`, "events", "?start=yesterday"),
      profilePath(`user_id:${userId}`, "external_ids", "?next=garbage!"),
      profilePath(`user_id:${userId}`, "traits", "", "people"),
      `/v1/spaces/${env.SPACE_ID}/collections/users/profiles/no-colon/traits`,
    ];
    for (const bad of invalid) {
      const answer = await getProfile<{ error: { code: string; message: string } }>(bad);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error.code, bad).toBe("validation_error");
    }
    const otherSpace = await getProfile<{ error: { code: string } }>(path.replace(`/spaces/${env.SPACE_ID}/`, "/spaces/elsewhere/"));
    expect(otherSpace).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    const noRoute = await getProfile<{ error: { code: string } }>(`/v1/spaces/${env.SPACE_ID}/collections/users`);
    expect(noRoute).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    const unknown = await getProfile<{ error: { code: string; message: string } }>(profilePath(`user_id:${unique("nobody")}`, "traits"));
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: "not_found", message: "Profile was not found." } } });

    const ok = await getProfile(path);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Request-Id")).toMatch(/^[0-9a-f-]{36}$/);

    // As the routes always read them: an empty parameter is absent, a repeated one counts by its
    // first value, and a flag is on only when it is `true`.
    const lenient = await getProfile<{ traits: Record<string, unknown> }>(
      profilePath(`user_id:${userId}`, "traits", "?limit=&include=plan&include=other&verbose=1"),
    );
    expect(lenient).toMatchObject({ status: 200, body: { traits: { plan: "pro" } } });
  });

  it("finds a profile by URL-encoded values, and lists external ids, events and metadata with paging", async () => {
    const source = await createSource();
    const email = `${unique("jane+shop")}@example.com`;
    const userId = `${unique("user")}/with:colon`;
    const anons = [unique("a"), unique("a"), unique("a")];
    const done = unique("msg");
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await sendBatch(source.writeKey, [
      { type: "track", event: "Viewed", anonymousId: anons[0], userId, timestamp: at(30) },
      { type: "track", event: "Added", anonymousId: anons[1], userId, timestamp: at(20) },
      { type: "identify", anonymousId: anons[2], userId, traits: { email }, timestamp: at(10), messageId: done },
    ]);
    await waitForEvent(`email:${email}`, done);

    const segmentId = await segmentIdOf(`user_id:${userId}`);
    expect(await segmentIdOf(`email:${email}`)).toBe(segmentId);
    const first = await getProfile<{ data: { type: string }[]; cursor: { has_more: boolean; next: string } }>(
      profilePath(`email:${email}`, "external_ids", "?limit=2"),
    );
    expect(first.body.data).toHaveLength(2);
    expect(first.body.cursor.has_more).toBe(true);
    const rest = await getProfile<{ data: { type: string }[]; cursor: { has_more: boolean } }>(
      profilePath(`email:${email}`, "external_ids", `?limit=100&next=${first.body.cursor.next}`),
    );
    expect(rest.body.data).toHaveLength(3);
    expect(rest.body.cursor.has_more).toBe(false);
    expect(await externalIds(`email:${email}`)).toEqual({ user_id: [userId], anonymous_id: [...anons].sort(), email: [email] });

    const events = await getProfile<{ data: { event?: string; type: string; message_id: string; source_id: string; related: object }[] }>(
      profilePath(`user_id:${userId}`, "events", "?sort=asc"),
    );
    expect(events.body.data.map((event) => event.event ?? event.type)).toEqual(["Viewed", "Added", "identify"]);
    expect(events.body.data[0]).toMatchObject({ source_id: source.id, related: { users: segmentId } });
    const recent = await getProfile<{ data: unknown[] }>(profilePath(`user_id:${userId}`, "events", `?start=${encodeURIComponent(at(25))}&exclude=identify`));
    expect(recent.body.data).toMatchObject([{ event: "Added" }]);

    const metadata = await getProfile<{ metadata: Record<string, unknown> }>(profilePath(`anonymous_id:${anons[0]}`, "metadata"));
    expect(metadata.body.metadata).toMatchObject({ segment_id: segmentId, first_source_id: source.id, last_message_id: done, last_source_id: source.id });
  });

  it("any identifier of a merged profile, and its old segment_id, finds the survivor with everything merged", async () => {
    const source = await createSource();
    const [a1, a2, userId] = [unique("a1"), unique("a2"), unique("user")];
    const [m1, m2, m3] = [unique("m"), unique("m"), unique("m")];
    await sendBatch(source.writeKey, [
      { type: "identify", anonymousId: a1, traits: { color: "red" }, messageId: m1 },
      { type: "identify", anonymousId: a2, traits: { size: "L" }, messageId: m2 },
    ]);
    await waitForEvent(`anonymous_id:${a2}`, m2);
    const before = [await segmentIdOf(`anonymous_id:${a1}`), await segmentIdOf(`anonymous_id:${a2}`)];
    expect(before[0]).not.toBe(before[1]);

    await sendBatch(source.writeKey, [
      { type: "identify", anonymousId: a1, userId },
      { type: "identify", anonymousId: a2, userId, messageId: m3 },
    ]);
    await waitForEvent(`anonymous_id:${a2}`, m3);
    const survivor = await segmentIdOf(`user_id:${userId}`);
    expect(await segmentIdOf(`anonymous_id:${a1}`)).toBe(survivor);
    expect(await segmentIdOf(`anonymous_id:${a2}`)).toBe(survivor);
    for (const old of before) {
      const byId = await getProfile<{ metadata: { segment_id: string } }>(`/v1/spaces/${env.SPACE_ID}/collections/users/profiles/${old}/metadata`);
      expect(byId.body.metadata.segment_id).toBe(survivor);
    }
    const traits = await getProfile<{ traits: object }>(profilePath(`anonymous_id:${a2}`, "traits"));
    expect(traits.body.traits).toEqual({ color: "red", size: "L" });
    const events = await getProfile<{ data: { message_id: string }[] }>(profilePath(`user_id:${userId}`, "events"));
    expect(events.body.data.map((event) => event.message_id)).toEqual(expect.arrayContaining([m1, m2, m3]));
  });
});

describe("Profile API and merges cut short", () => {
  it("finishes a merge whose survivor never absorbed the loser before answering", async () => {
    const source = await createSource();
    const [a1, a2] = [unique("a1"), unique("a2")];
    const [m1, m2] = [unique("m"), unique("m")];
    await sendBatch(source.writeKey, [
      { type: "identify", anonymousId: a1, traits: { color: "red" }, messageId: m1 },
      { type: "identify", anonymousId: a2, traits: { size: "L" }, messageId: m2 },
    ]);
    await waitForEvent(`anonymous_id:${a2}`, m2);
    const [survivor, loser] = [(await segmentIdOf(`anonymous_id:${a1}`))!, (await segmentIdOf(`anonymous_id:${a2}`))!];
    // The consumer sealed the loser, then died before the survivor absorbed it.
    await env.PROFILES.get(env.PROFILES.idFromName(loser)).markMergedInto(survivor);

    const traits = await getProfile<{ traits: object }>(profilePath(`anonymous_id:${a2}`, "traits"));
    expect(traits.body.traits).toEqual({ color: "red", size: "L" });
    expect(await externalIds(`anonymous_id:${a1}`)).toEqual({ anonymous_id: [a1, a2].sort() });
  });
});

describe("identity admin API", () => {
  it("validates and stores the rules, and counts violations by reason", async () => {
    const bad = await app.request(
      "/api/v1/identity/config",
      { method: "PUT", headers: ADMIN, body: JSON.stringify({ limits: { user_id: { max: 0, window: "ever" } } }) },
      env,
    );
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/limits\.user_id\.max/);
    const lookahead = await app.request(
      "/api/v1/identity/config",
      { method: "PUT", headers: ADMIN, body: JSON.stringify({ blockedValues: [{ match: "pattern", value: "^(?!user_)" }] }) },
      env,
    );
    expect(lookahead.status).toBe(400);
    expect((await lookahead.json<{ error: string }>()).error).toMatch(
      /blockedValues\.0\.value: pattern uses a lookahead \(`\(\?!`\), which linear-time matching cannot run/,
    );

    const current = await app.request("/api/v1/identity/config", { headers: ADMIN }, env);
    const { config } = await current.json<{ config: { priority: string[]; limits: object } }>();
    expect(config.priority).toEqual(["user_id", "email"]);
    // Saving the same rules back round-trips them (other test files rely on the defaults).
    const saved = await app.request("/api/v1/identity/config", { method: "PUT", headers: ADMIN, body: JSON.stringify(config) }, env);
    expect(saved.status).toBe(200);
    expect((await saved.json<{ config: object }>()).config).toEqual(config);

    // A sixth anonymous_id on one profile passes the default limit of 5: a violation is counted.
    const source = await createSource();
    const userId = unique("user");
    const done = unique("msg");
    await sendBatch(source.writeKey, [
      ...Array.from({ length: 6 }, () => ({ type: "track", event: "Seen", userId, anonymousId: unique("a") })),
      { type: "track", event: "Seen", userId, anonymousId: "null", messageId: done },
    ]);
    await waitForEvent(`user_id:${userId}`, done);
    expect((await externalIds(`user_id:${userId}`)).anonymous_id).toHaveLength(5);
    const violations = await waitUntil(
      "the blocked-value and value-limit identity violations",
      async () => {
        const answer = await app.request("/api/v1/identity/violations", { headers: ADMIN }, env);
        return (await answer.json<{ violations: { reason: string; type: string; count: number }[] }>()).violations;
      },
      (list) => list.some((v) => v.reason === "ID value blocked") && list.some((v) => v.reason === "Identifier value limit exceeded"),
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: "Identifier value limit exceeded", type: "anonymous_id" }),
        expect.objectContaining({ reason: "ID value blocked", type: "anonymous_id" }),
      ]),
    );
  });
});
