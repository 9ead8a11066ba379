import { describe, expect, it } from "vitest";
import { dropBlockedIdentifiers } from "./blocked-values";
import { compileIdentityConfig, DEFAULT_IDENTITY_CONFIG } from "./identity-config";

describe("dropBlockedIdentifiers", () => {
  it("drops Segment's suggested values for every type and reports each as `ID value blocked`", () => {
    const config = compileIdentityConfig();
    const { kept, violations } = dropBlockedIdentifiers(config, [
      { type: "user_id", value: "0000" },
      { type: "user_id", value: "000-000" },
      { type: "anonymous_id", value: "anonymous" },
      { type: "email", value: "null" },
      { type: "ios.id", value: "-1" },
      { type: "anonymous_id", value: "anon_1" },
      { type: "user_id", value: "10" },
    ]);
    expect(kept).toEqual([
      { type: "anonymous_id", value: "anon_1" },
      { type: "user_id", value: "10" },
    ]);
    expect(violations.map((violation) => [violation.reason, violation.type, violation.value])).toEqual([
      ["ID value blocked", "user_id", "0000"],
      ["ID value blocked", "user_id", "000-000"],
      ["ID value blocked", "anonymous_id", "anonymous"],
      ["ID value blocked", "email", "null"],
      ["ID value blocked", "ios.id", "-1"],
    ]);
    expect(violations[0]!.message).toMatch(/matches the blocked pattern \/\^\[0-\]\*\$\/, so it was not used/);
  });

  it("matches exact values exactly and applies type-scoped rules to their types only", () => {
    const config = compileIdentityConfig({
      ...DEFAULT_IDENTITY_CONFIG,
      blockedValues: [
        { match: "exact", value: "void" },
        { match: "pattern", value: "^test-", types: ["user_id"] },
      ],
    });
    const { kept } = dropBlockedIdentifiers(config, [
      { type: "user_id", value: "void" },
      { type: "user_id", value: "Void" },
      { type: "user_id", value: "test-1" },
      { type: "email", value: "test-1" },
    ]);
    expect(kept).toEqual([
      { type: "user_id", value: "Void" },
      { type: "email", value: "test-1" },
    ]);
  });
});
