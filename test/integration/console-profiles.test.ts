import { describe, expect, it } from "vitest";
import { signInToConsole, unescapeHtml } from "../support/workerd/console";
import { createSource, segmentIdOf, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

const lookup = (type: string, value: string) => `/console/profiles?collection=users&type=${encodeURIComponent(type)}&value=${encodeURIComponent(value)}`;

describe("console: profiles", () => {
  it("before a lookup shows the form; an unknown identifier says nothing matched", async () => {
    const ui = await signInToConsole();
    const form = await ui.get("/console/profiles");
    expect(form.status).toBe(200);
    expect(form.html).toContain("Look up a profile");
    const missing = await ui.get(lookup("user_id", unique("nobody")));
    expect(missing.status).toBe(200);
    expect(missing.html).toContain("No profile found");
    const invalid = await ui.get(lookup("User Id", "x"));
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain("An identifier type is lower-case");
  });

  it("finds a profile from an identify sent through the Tracking API, by user_id, email, anonymous_id and segment_id", async () => {
    const ui = await signInToConsole();
    const source = await createSource(unique("Console profiles"));
    const [userId, anonymousId, email, done] = [unique("user"), unique("anon"), `${unique("jane")}@example.com`, unique("m")];
    await sendBatch(source.writeKey, [
      { type: "track", event: "Viewed <Plans>", anonymousId, properties: { plan: "pro" } },
      { type: "identify", anonymousId, userId, traits: { email, name: `Jane "<b>"` }, messageId: done },
    ]);
    await waitForEvent(`user_id:${userId}`, done);
    const segmentId = (await segmentIdOf(`user_id:${userId}`))!;

    for (const [type, value] of [
      ["user_id", userId],
      ["email", email],
      ["anonymous_id", anonymousId],
      ["segment_id", segmentId],
    ] as const) {
      const page = await ui.get(lookup(type, value));
      expect(page.status, type).toBe(200);
      const text = unescapeHtml(page.html);
      expect(text, type).toContain(`<code>${segmentId}</code>`);
      expect(text).toContain(`<code>${userId}</code>`);
      expect(text).toContain(`<code>${anonymousId}</code>`);
      expect(text).toContain(email);
      expect(text).toContain("None: no other profile was merged into this one.");
      expect(page.html).toContain("Jane &quot;&lt;b&gt;&quot;");
      expect(page.html).toContain("Viewed &lt;Plans&gt;");
      expect(page.html).not.toContain("<b>");
    }
  });

  it("a merged profile shows how many it absorbed", async () => {
    const ui = await signInToConsole();
    const source = await createSource(unique("Console merges"));
    const [a1, a2, userId, m1, m2] = [unique("a1"), unique("a2"), unique("user"), unique("m"), unique("m")];
    await sendBatch(source.writeKey, [
      { type: "identify", anonymousId: a1, traits: { color: "red" } },
      { type: "identify", anonymousId: a2, traits: { size: "L" }, messageId: m1 },
    ]);
    await waitForEvent(`anonymous_id:${a2}`, m1);
    await sendBatch(source.writeKey, [
      { type: "identify", anonymousId: a1, userId },
      { type: "identify", anonymousId: a2, userId, messageId: m2 },
    ]);
    await waitForEvent(`anonymous_id:${a2}`, m2);
    const page = await ui.get(lookup("user_id", userId));
    expect(page.html).toMatch(/Absorbed [12] other profiles?\./);
    expect(page.html).toContain("red");
    expect(page.html).toContain("<code>size</code>");
  });
});
