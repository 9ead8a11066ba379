import { describe, expect, it } from "vitest";
import { compileIdentityConfig, DEFAULT_IDENTITY_CONFIG, limitFor, parseIdentityConfig } from "./identity-config";

describe("parseIdentityConfig", () => {
  it("fills Segment's defaults: suggested blocked values, user_id 1 ever, others 5, user_id then email", () => {
    const result = parseIdentityConfig({});
    expect(result).toEqual({ ok: true, config: DEFAULT_IDENTITY_CONFIG });
    expect(DEFAULT_IDENTITY_CONFIG.blockedValues.map((blocked) => blocked.value)).toEqual(["^[0-]*$", "-1", "null", "anonymous"]);
  });

  it("accepts the doc's alternative configuration (email 1, user_id 2) with windows", () => {
    const result = parseIdentityConfig({
      limits: { email: { max: 1, window: "ever" }, user_id: { max: 2, window: "ever" }, anonymous_id: { max: 5, window: "weekly" } },
      priority: ["user_id", "email", "phone"],
      customIdentifiers: [{ type: "member_id", key: "member_id" }],
      blockedValues: [
        { match: "exact", value: "void" },
        { match: "pattern", value: "^test-", types: ["user_id"] },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it("says which field is wrong and what is expected", () => {
    const result = parseIdentityConfig({
      limits: { user_id: { max: 0, window: "daily" } },
      priority: ["user_id", "user_id"],
      blockedValues: [{ match: "pattern", value: "^(\\d)\\1+$" }],
      extra: true,
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^limits\.user_id\.max must be at least 1/),
        expect.stringMatching(/^limits\.user_id\.window must be one of ever, weekly, monthly, annually/),
        expect.stringMatching(/^priority must not list a type twice/),
        expect.stringMatching(/^blockedValues\.0\.value pattern uses a backreference \(`\\1`\), which linear-time matching cannot run/),
        "Unknown fields extra: the fields are blockedValues, limits, defaultLimit, priority, customIdentifiers.",
      ]),
    );
  });

  it("refuses identifier types that could not be looked up", () => {
    expect(parseIdentityConfig({ limits: { "Bad Type": { max: 1, window: "ever" } } })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^limits\.Bad Type must be a lower-case identifier type/)],
    });
  });

  it("caps a limit at the 1,000 identifiers a profile can hold", () => {
    expect(parseIdentityConfig({ defaultLimit: { max: 1001, window: "ever" } }).ok).toBe(false);
    expect(parseIdentityConfig({ defaultLimit: { max: 1000, window: "annually" } }).ok).toBe(true);
  });
});

describe("compileIdentityConfig", () => {
  it("builds matchers once and answers the limit for any type", () => {
    const compiled = compileIdentityConfig();
    expect(compiled.blocked.map((blocked) => ["0000", "-1", "null", "anonymous", "abc"].filter(blocked.matches))).toEqual([
      ["0000"],
      ["-1"],
      ["null"],
      ["anonymous"],
    ]);
    expect(limitFor(compiled, "user_id")).toEqual({ max: 1, window: "ever" });
    expect(limitFor(compiled, "ga_client_id")).toEqual({ max: 5, window: "ever" });
  });

  it("a saved blocked pattern RE2 refuses (saved before RE2 was required) blocks nothing and never backtracks", () => {
    const compiled = compileIdentityConfig({
      ...DEFAULT_IDENTITY_CONFIG,
      blockedValues: [
        { match: "pattern", value: "^(?!x)(a|a)*$" },
        { match: "pattern", value: "^test-" },
      ],
    });
    const [lookahead, simple] = compiled.blocked;
    expect(lookahead!.matches(`${"a".repeat(32 * 1024)}!`)).toBe(false);
    expect(lookahead!.matches("aaaa")).toBe(false);
    expect(simple!.matches("test-1")).toBe(true);
  });
});
