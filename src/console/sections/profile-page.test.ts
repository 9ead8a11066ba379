import { describe, expect, it } from "vitest";
import { ProfilesPage, type FoundProfile } from "./profile-page";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const chrome = { subject: "admin", csrfToken: "tok" };
const query = { collection: "users" as const, type: "user_id", value: hostile };

const profile: FoundProfile = {
  segmentId: "use_abc",
  identifiers: [{ type: "user_id", value: hostile, addedAt: "2026-11-30T00:00:00Z", sourceId: "src_1", firstMessageId: "m1" }],
  traits: {
    email: { value: "a@example.com", source_id: "src_1", updated_at: "2026-11-30T00:00:00Z" },
    plan: { value: { tier: hostile }, source_id: null, updated_at: "2026-11-30T00:00:00Z" },
  },
  links: [],
  metadata: null,
  mergeCount: 2,
  events: Array.from({ length: 20 }, (_, i) => ({
    messageId: `m${i}`,
    type: "track",
    name: `Event ${i}`,
    sourceId: "src_1",
    timestamp: "2026-11-30T00:00:00Z",
    body: "{}",
  })),
  eventsOffset: 0,
  moreEvents: true,
};

describe("profiles page", () => {
  it("before a lookup: the form (a GET) and what to enter", async () => {
    const html = await render(ProfilesPage({ ...chrome, query: { ...query, value: "" }, lookup: { state: "form" } }));
    expect(html).toContain('<form method="get" action="/console/profiles"');
    expect(html).toContain("Look up a profile");
  });

  it("not found: says so, with the value escaped, and what to check", async () => {
    const html = await render(ProfilesPage({ ...chrome, query, lookup: { state: "not-found" } }));
    expect(html).toContain("No profile found");
    expect(html).toContain("case-sensitive");
    expect(html).not.toContain("<script");
  });

  it("found: identities, traits, merges and a page of recent events, all escaped", async () => {
    const html = await render(ProfilesPage({ ...chrome, query, lookup: { state: "found", profile } }));
    expect(html).toContain("<code>use_abc</code>");
    expect(html).toContain("Absorbed 2 other profiles.");
    expect(html).toContain("a@example.com");
    expect(html).toContain("{&quot;tier&quot;:&quot;&lt;script&gt;");
    expect(html).toContain("Event 19");
    expect(html).toContain("&amp;events=20");
    expect(html).not.toContain('rel="prev"');
    expect(html).not.toContain("<script");
  });

  it("a profile with nothing yet has empty states", async () => {
    const html = await render(
      ProfilesPage({
        ...chrome,
        query,
        lookup: { state: "found", profile: { ...profile, identifiers: [], traits: {}, events: [], moreEvents: false, mergeCount: 0 } },
      }),
    );
    expect(html).toContain("No identities");
    expect(html).toContain("No traits");
    expect(html).toContain("No recent events");
    expect(html).toContain("None: no other profile was merged into this one.");
  });

  it("an invalid type is shown next to the form", async () => {
    const html = await render(
      ProfilesPage({ ...chrome, query: { ...query, type: "User Id" }, lookup: { state: "invalid", error: "An identifier type is lower-case" } }),
    );
    expect(html).toContain('role="alert">An identifier type is lower-case');
  });
});
