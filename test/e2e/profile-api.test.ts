import { Analytics } from "@segment/analytics-node";
import { describe, expect, it } from "vitest";
import { baseUrl, createSource, DEV, uniqueId, waitUntil } from "./support/sluice";

/**
 * The local-dev contract for identity: what `@segment/analytics-node` sends to `npm run dev` is
 * readable through Segment's Profile API paths on the same host, in space `default`, with the
 * dev Profile API token as the Basic user name.
 */
const PROFILE_AUTH = `Basic ${Buffer.from(`${DEV.profileToken}:`).toString("base64")}`;

async function profileGet<T>(identifier: string, resource: string, token: string = DEV.profileToken): Promise<{ status: number; body: T }> {
  const [type, ...rest] = identifier.split(":");
  const path = `/v1/spaces/default/collections/users/profiles/${type}:${encodeURIComponent(rest.join(":"))}/${resource}`;
  const response = await fetch(`${baseUrl()}${path}`, { headers: { Authorization: `Basic ${Buffer.from(`${token}:`).toString("base64")}` } });
  return { status: response.status, body: (await response.json()) as T };
}

describe("Profile API on wrangler dev", () => {
  it("resolves analytics-node's anonymous and identified calls into one profile", async () => {
    const source = await createSource(`profiles ${uniqueId("e2e")}`);
    const analytics = new Analytics({ writeKey: source.writeKey, host: baseUrl(), flushAt: 10, flushInterval: 100 });
    const [anonymousId, userId, email] = [uniqueId("anon"), uniqueId("user"), `${uniqueId("jane")}@example.com`];
    analytics.track({ anonymousId, event: "Viewed Pricing", properties: { plan: "pro" } });
    analytics.identify({ anonymousId, userId, traits: { email, name: "Jane" } });
    analytics.track({ userId, event: "Subscribed" });
    await analytics.closeAndFlush();

    await waitUntil(
      "the profile's 3 events, found by email",
      () => profileGet<{ data?: unknown[] }>(`email:${email}`, "events"),
      (events) => events.status === 200 && (events.body.data ?? []).length === 3,
      { timeoutMs: 20_000 },
    );

    const traits = await profileGet<{ traits: Record<string, unknown> }>(`anonymous_id:${anonymousId}`, "traits");
    expect(traits.body.traits).toEqual({ email, name: "Jane" });
    const ids = await profileGet<{ data: { type: string; id: string }[] }>(`user_id:${userId}`, "external_ids");
    expect(ids.body.data.map(({ type, id }) => `${type}:${id}`).sort()).toEqual([`anonymous_id:${anonymousId}`, `email:${email}`, `user_id:${userId}`].sort());
    const [byAnonymous, byUser] = await Promise.all([
      profileGet<{ metadata: { segment_id: string } }>(`anonymous_id:${anonymousId}`, "metadata"),
      profileGet<{ metadata: { segment_id: string } }>(`user_id:${userId}`, "metadata"),
    ]);
    expect(byAnonymous.body.metadata.segment_id).toMatch(/^use_/);
    expect(byAnonymous.body.metadata.segment_id).toBe(byUser.body.metadata.segment_id);
  });

  it("refuses the admin token and unknown profiles with Segment's errors", async () => {
    const wrongToken = await profileGet<{ error: { code: string } }>("user_id:nobody", "traits", DEV.adminToken);
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.body.error.code).toBe("authentication_error");
    const unknown = await fetch(`${baseUrl()}/v1/spaces/default/collections/users/profiles/user_id:${uniqueId("nobody")}/traits`, {
      headers: { Authorization: PROFILE_AUTH },
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
