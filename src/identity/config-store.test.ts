import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listViolations, loadIdentityConfig, recordViolations, saveIdentityConfig } from "./config-store";
import { DEFAULT_IDENTITY_CONFIG, type IdentityConfig } from "./identity-config";

// A space of its own, so other test files' rules and violations are neither read nor changed.
const space = () => `config-store-${crypto.randomUUID()}`;
const now = new Date("2026-03-01T10:00:00.000Z");

describe("identity config store", () => {
  it("answers the defaults until rules are saved, then the saved rules", async () => {
    const spaceId = space();
    expect(await loadIdentityConfig(env.DB, spaceId)).toEqual(DEFAULT_IDENTITY_CONFIG);
    const rules: IdentityConfig = { ...DEFAULT_IDENTITY_CONFIG, priority: ["email", "user_id"] };
    await saveIdentityConfig(env.DB, spaceId, rules, now);
    expect(await loadIdentityConfig(env.DB, spaceId)).toEqual(rules);
  });

  it("falls back to the defaults when a stored row holds rules the schema refuses, or no JSON at all", async () => {
    for (const stored of [JSON.stringify({ priority: "user_id" }), "{not json"]) {
      const spaceId = space();
      await env.DB.prepare("INSERT INTO identity_config (space_id, config, updated_at) VALUES (?, ?, ?)").bind(spaceId, stored, now.toISOString()).run();
      expect(await loadIdentityConfig(env.DB, spaceId), stored).toEqual(DEFAULT_IDENTITY_CONFIG);
    }
  });

  it("counts violations by reason and type, once per event", async () => {
    const spaceId = space();
    const violation = { reason: "ID value blocked" as const, type: "email", message: "blocked", messageId: "m1" };
    await recordViolations(env.DB, spaceId, [violation, violation, { ...violation, messageId: "m2" }], now);
    expect(await listViolations(env.DB, spaceId)).toEqual([
      { reason: "ID value blocked", type: "email", count: 2, lastSeen: now.toISOString(), lastMessage: "blocked" },
    ]);
  });
});
