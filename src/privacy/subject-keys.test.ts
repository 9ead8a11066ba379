import { describe, expect, it } from "vitest";
import { eventSubjectKeys, hashSubjectKey, hashSubjectKeys } from "./subject-keys";

describe("eventSubjectKeys", () => {
  it("names the person by every identifier the event carries", () => {
    expect(
      eventSubjectKeys({
        type: "identify",
        userId: "u1",
        anonymousId: "a1",
        traits: { email: "ann@example.com" },
        context: { device: { type: "ios", id: "dev-1" } },
      }).sort(),
    ).toEqual(["anonymous_id:a1", "email:ann@example.com", "ios.id:dev-1", "user_id:u1"]);
  });

  it("reads an alias's previousId as a userId and as an anonymousId", () => {
    expect(eventSubjectKeys({ type: "alias", userId: "u2", previousId: "p1" }).sort()).toEqual(["anonymous_id:p1", "user_id:p1", "user_id:u2"]);
  });

  it("has no key for an event without identifiers", () => {
    expect(eventSubjectKeys({ type: "track", event: "Nobody" })).toEqual([]);
  });
});

describe("hashSubjectKey", () => {
  it("is a stable 32-character hex digest that keeps keys apart", async () => {
    const hash = await hashSubjectKey("user_id:u1");
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(await hashSubjectKey("user_id:u1")).toBe(hash);
    expect(await hashSubjectKey("anonymous_id:u1")).not.toBe(hash);
    expect(await hashSubjectKeys(["user_id:u1", "user_id:u1", "email:x"])).toHaveLength(2);
  });
});
