import { describe, expect, it } from "vitest";
import { extractIdentifiers, MAX_IDENTIFIER_VALUE_LENGTH } from "./extract-identifiers";

describe("extractIdentifiers", () => {
  it("reads user_id, anonymous_id and email from an identify call", () => {
    expect(extractIdentifiers({ type: "identify", userId: "u1", anonymousId: "a1", traits: { email: "jane@example.com", name: "Jane" } })).toEqual({
      users: [
        { type: "user_id", value: "u1" },
        { type: "email", value: "jane@example.com" },
        { type: "anonymous_id", value: "a1" },
      ],
      accounts: [],
    });
  });

  it("reads email from context.traits on any call, and deduplicates", () => {
    const { users } = extractIdentifiers({
      type: "identify",
      userId: "u1",
      traits: { email: "jane@example.com" },
      context: { traits: { email: "jane@example.com" } },
    });
    expect(users).toEqual([
      { type: "user_id", value: "u1" },
      { type: "email", value: "jane@example.com" },
    ]);
    expect(extractIdentifiers({ type: "track", anonymousId: "a1", context: { traits: { email: "j@x.io" } } }).users).toContainEqual({
      type: "email",
      value: "j@x.io",
    });
  });

  it("reads device ids by context.device.type; idfa only while ad tracking is enabled", () => {
    const device = { id: "dev1", advertisingId: "ad1", adTrackingEnabled: true, token: "push1" };
    expect(extractIdentifiers({ type: "track", anonymousId: "a", context: { device: { ...device, type: "ios" } } }).users).toEqual([
      { type: "ios.id", value: "dev1" },
      { type: "ios.idfa", value: "ad1" },
      { type: "ios.push_token", value: "push1" },
      { type: "anonymous_id", value: "a" },
    ]);
    const android = extractIdentifiers({
      type: "track",
      anonymousId: "a",
      context: { device: { ...device, type: "android", adTrackingEnabled: false } },
    });
    expect(android.users.map((identifier) => identifier.type)).toEqual(["android.id", "android.push_token", "anonymous_id"]);
    const web = extractIdentifiers({ type: "track", anonymousId: "a", context: { device: { ...device, type: "web" } } });
    expect(web.users).toEqual([{ type: "anonymous_id", value: "a" }]);
  });

  it("reads ga_client_id from the Google Analytics integration options, in context or at the top level", () => {
    const inContext = { type: "page", anonymousId: "a", context: { integrations: { "Google Analytics": { clientId: "GA1.2.3" } } } };
    const topLevel = { type: "page", anonymousId: "a", integrations: { "Google Analytics": { clientId: "GA1.2.4" } } };
    expect(extractIdentifiers(inContext).users).toContainEqual({ type: "ga_client_id", value: "GA1.2.3" });
    expect(extractIdentifiers(topLevel).users).toContainEqual({ type: "ga_client_id", value: "GA1.2.4" });
  });

  it("reads cross_domain_id from context.traits.crossDomainId, as in the Profile API's example event", () => {
    const event = { type: "track", userId: "c0HN02fNe1", context: { traits: { crossDomainId: "1d1cd931-bc7d-4e39-a1a7-61563296fb15" } } };
    expect(extractIdentifiers(event).users).toEqual([
      { type: "user_id", value: "c0HN02fNe1" },
      { type: "cross_domain_id", value: "1d1cd931-bc7d-4e39-a1a7-61563296fb15" },
    ]);
  });

  it("reads context.externalIds with lower-cased types, by collection", () => {
    const { users, accounts } = extractIdentifiers({
      type: "track",
      userId: "u1",
      context: {
        externalIds: [
          { id: "123-456-7890", type: "Phone", collection: "users", encoding: "none" },
          { id: 42, type: "shopify_id", collection: "users", encoding: "none" },
          { id: "acme", type: "salesforce_account", collection: "accounts", encoding: "none" },
          { id: "x", type: "phone", collection: "devices", encoding: "none" },
          { id: "eA==", type: "phone", collection: "users", encoding: "base64" },
          { id: "y", type: "bad:type", collection: "users", encoding: "none" },
          "not an object",
        ],
      },
    });
    expect(users).toEqual([
      { type: "user_id", value: "u1" },
      { type: "phone", value: "123-456-7890" },
      { type: "shopify_id", value: "42" },
    ]);
    expect(accounts).toEqual([{ type: "salesforce_account", value: "acme" }]);
  });

  it("puts group_id on the account, never on the user, and ignores a group's traits for the user", () => {
    const { users, accounts } = extractIdentifiers({
      type: "group",
      userId: "u1",
      groupId: "acme",
      traits: { email: "billing@acme.com" },
    });
    expect(users).toEqual([{ type: "user_id", value: "u1" }]);
    expect(accounts).toEqual([{ type: "group_id", value: "acme" }]);
    expect(extractIdentifiers({ type: "track", userId: "u1", groupId: "acme" }).accounts).toEqual([]);
  });

  it("does not treat an alias's previousId as an identifier (alias calls can't merge profiles in Unify)", () => {
    expect(extractIdentifiers({ type: "alias", userId: "new", previousId: "old" }).users).toEqual([{ type: "user_id", value: "new" }]);
  });

  it("reads configured trait and property keys in snake_case and camelCase", () => {
    const custom = [{ type: "member_id", key: "member_id" }];
    expect(extractIdentifiers({ type: "identify", userId: "u", traits: { memberId: "m1" } }, custom).users).toContainEqual({
      type: "member_id",
      value: "m1",
    });
    expect(extractIdentifiers({ type: "track", userId: "u", properties: { member_id: "m2" } }, custom).users).toContainEqual({
      type: "member_id",
      value: "m2",
    });
    expect(extractIdentifiers({ type: "track", userId: "u", context: { traits: { memberId: 7 } } }, custom).users).toContainEqual({
      type: "member_id",
      value: "7",
    });
    // A group's traits and an identify's properties are not the user's.
    expect(extractIdentifiers({ type: "group", userId: "u", groupId: "g", traits: { member_id: "m3" } }, custom).users).toEqual([
      { type: "user_id", value: "u" },
    ]);
  });

  it("skips empty, null, non-string and overlong values", () => {
    const { users } = extractIdentifiers({
      type: "identify",
      userId: "",
      anonymousId: null,
      traits: { email: "   " },
      context: { traits: { email: { nested: true } }, device: { type: "ios", id: "x".repeat(MAX_IDENTIFIER_VALUE_LENGTH + 1), token: true } },
    });
    expect(users).toEqual([]);
  });
});
