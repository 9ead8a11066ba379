import { describe, expect, it } from "vitest";
import { compileIdentityConfig, DEFAULT_IDENTITY_CONFIG } from "./identity-config";
import { comparePriority, rankTypes } from "./priority";

describe("rankTypes", () => {
  const config = compileIdentityConfig();

  it("ranks user_id, email, then the rest alphabetically (the doc's table)", () => {
    expect(rankTypes(config, ["ga_client_id", "anonymous_id", "email", "user_id"])).toEqual([
      { type: "user_id", priority: 1 },
      { type: "email", priority: 2 },
      { type: "anonymous_id", priority: 3 },
      { type: "ga_client_id", priority: 4 },
    ]);
  });

  it("reshuffles when android.id appears without an explicit order", () => {
    expect(rankTypes(config, ["user_id", "email", "anonymous_id", "ga_client_id", "android.id"]).map((rank) => rank.type)).toEqual([
      "user_id",
      "email",
      "android.id",
      "anonymous_id",
      "ga_client_id",
    ]);
  });

  it("puts explicitly ordered types first, in the admin's order", () => {
    const custom = compileIdentityConfig({ ...DEFAULT_IDENTITY_CONFIG, priority: ["email", "phone", "user_id"] });
    expect(rankTypes(custom, ["anonymous_id", "user_id", "phone", "email", "ios.id"]).map((rank) => rank.type)).toEqual([
      "email",
      "phone",
      "user_id",
      "anonymous_id",
      "ios.id",
    ]);
    expect(comparePriority(custom, "user_id", "anonymous_id")).toBeLessThan(0);
    expect(comparePriority(custom, "ios.id", "ios.id")).toBe(0);
  });
});
