import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coverageReader, resolveCoverage } from "../../src/privacy/coverage";
import { createSource, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

/** Coverage against the real identity graph: profiles built by the pipeline, read from their Durable Objects. */
describe("regulation coverage over the identity graph", () => {
  it("covers the identifiers of a merged profile: anonymous ids from before sign-in and an email", async () => {
    const source = await createSource("Coverage source");
    const [anon1, anon2, userId, stranger] = ["anon", "anon", "user", "stranger"].map(unique) as [string, string, string, string];
    const email = `${unique("ann")}@example.com`;
    const signedIn = unique("msg");
    await sendBatch(source.writeKey, [
      // Two visitors' profiles: one by anonymous id, one by anonymous id and email…
      { type: "track", event: "Viewed", anonymousId: anon1 },
      { type: "identify", anonymousId: anon2, traits: { email } },
      // …merged by an event that carries identifiers of both, then the person signs in.
      { type: "identify", anonymousId: anon1, traits: { email } },
      { type: "identify", anonymousId: anon1, userId, messageId: signedIn },
    ]);
    await waitForEvent(`user_id:${userId}`, signedIn);

    const coverage = await resolveCoverage([userId, stranger], coverageReader(env));
    expect(coverage.bySubject.get(userId)!.sort()).toEqual([`anonymous_id:${anon1}`, `anonymous_id:${anon2}`, `email:${email}`, `user_id:${userId}`].sort());
    expect(coverage.bySubject.get(stranger)).toEqual([`user_id:${stranger}`]);
    expect(coverage.keys).toHaveLength(5);
  });
});
