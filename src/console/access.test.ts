import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { accessConfigOf, verifyAccessAssertion, type AccessKeys } from "./access";

const TEAM = "acme.cloudflareaccess.com";
const AUD = "aud-tag-0123456789abcdef";
const config = { teamDomain: TEAM, audience: AUD };
const NOW = new Date("2026-01-01T00:00:00Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

let teamKey: CryptoKey;
let foreignKey: CryptoKey;
let keys: AccessKeys;

beforeAll(async () => {
  const team = await generateKeyPair("RS256", { extractable: true });
  teamKey = team.privateKey;
  foreignKey = (await generateKeyPair("RS256")).privateKey;
  const set = createLocalJWKSet({ keys: [{ ...(await exportJWK(team.publicKey)), kid: "team-1", alg: "RS256" }] });
  keys = (teamDomain) => {
    expect(teamDomain).toBe(TEAM);
    return set;
  };
});

function assertion(options: { key?: CryptoKey; audience?: string; issuer?: string; issuedAt?: Date; expiresAt?: Date; email?: string } = {}) {
  return new SignJWT({ email: options.email ?? "ada@example.com", type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: "team-1" })
    .setSubject("user-123")
    .setAudience(options.audience ?? AUD)
    .setIssuer(options.issuer ?? `https://${TEAM}`)
    .setIssuedAt(seconds(options.issuedAt ?? new Date(NOW.getTime() - 60_000)))
    .setExpirationTime(seconds(options.expiresAt ?? new Date(NOW.getTime() + 3_600_000)))
    .sign(options.key ?? teamKey);
}

describe("Cloudflare Access assertions", () => {
  it("a valid assertion signs its person in, by email", async () => {
    expect(await verifyAccessAssertion(await assertion(), config, keys, NOW)).toEqual({ subject: "ada@example.com" });
  });

  it("refuses another application's audience, another team's issuer, an expired token, a foreign key", async () => {
    expect(await verifyAccessAssertion(await assertion({ audience: "another-app" }), config, keys, NOW)).toBeNull();
    expect(await verifyAccessAssertion(await assertion({ issuer: "https://evil.cloudflareaccess.com" }), config, keys, NOW)).toBeNull();
    expect(await verifyAccessAssertion(await assertion({ expiresAt: new Date(NOW.getTime() - 1000) }), config, keys, NOW)).toBeNull();
    expect(await verifyAccessAssertion(await assertion({ key: foreignKey }), config, keys, NOW)).toBeNull();
  });

  it("refuses what is not a JWT, and an unsigned one", async () => {
    const unsigned = `${btoa(JSON.stringify({ alg: "none" }))}.${btoa(JSON.stringify({ aud: AUD, iss: `https://${TEAM}` }))}.`;
    for (const token of ["", "garbage", unsigned]) expect(await verifyAccessAssertion(token, config, keys, NOW)).toBeNull();
  });

  it("is configured only by both vars, and normalizes the team domain", () => {
    expect(accessConfigOf({})).toBeNull();
    expect(accessConfigOf({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: "" })).toBeNull();
    expect(accessConfigOf({ ACCESS_TEAM_DOMAIN: "", ACCESS_AUD: AUD })).toBeNull();
    expect(accessConfigOf({ ACCESS_TEAM_DOMAIN: `https://${TEAM.toUpperCase()}/`, ACCESS_AUD: AUD })).toEqual(config);
    expect(() => accessConfigOf({ ACCESS_TEAM_DOMAIN: "acme/evil?x=", ACCESS_AUD: AUD })).toThrow(/ACCESS_TEAM_DOMAIN/);
  });
});
