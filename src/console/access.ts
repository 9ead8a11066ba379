import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";

/**
 * Cloudflare Access in front of the console: when `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD` are set,
 * a valid `Cf-Access-Jwt-Assertion` signs the person in (no admin token needed). The assertion is
 * verified with jose against the team's published keys
 * (https://developers.cloudflare.com/cloudflare-one/identity/authorization-cookie/validating-json/):
 * RS256 signature, audience = the application's AUD tag, issuer = `https://<team domain>`, and
 * its expiry. Unconfigured, the header is ignored: anyone can send it.
 */

export const ACCESS_HEADER = "cf-access-jwt-assertion";

export interface AccessConfig {
  /** The team's host, e.g. `acme.cloudflareaccess.com`. */
  teamDomain: string;
  audience: string;
}

/** Keys of a team, by its domain: the remote set in production, a local one in tests. */
export type AccessKeys = (teamDomain: string) => JWTVerifyGetKey;

/** The Access settings, or null when Access is not configured (both vars are needed). */
export function accessConfigOf(env: { ACCESS_TEAM_DOMAIN?: string; ACCESS_AUD?: string }): AccessConfig | null {
  const teamDomain = (env.ACCESS_TEAM_DOMAIN ?? "")
    .trim()
    .toLowerCase()
    .replace(/^https:\/\//, "")
    .replace(/\/+$/, "");
  const audience = (env.ACCESS_AUD ?? "").trim();
  if (!teamDomain || !audience) return null;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(teamDomain)) {
    throw new Error(`ACCESS_TEAM_DOMAIN must be your Access team's host, such as acme.cloudflareaccess.com; got ${JSON.stringify(env.ACCESS_TEAM_DOMAIN)}.`);
  }
  return { teamDomain, audience };
}

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * The team's key set from `https://<team>/cdn-cgi/access/certs`, one per isolate: jose caches
 * the keys and fetches again when a token names a key it does not know (Access rotates them).
 */
export const remoteAccessKeys: AccessKeys = (teamDomain) => {
  let keys = remoteKeySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`https://${teamDomain}/cdn-cgi/access/certs`));
    remoteKeySets.set(teamDomain, keys);
  }
  return keys;
};

/**
 * The person an Access assertion names (its `email`, else its `sub`), or null when it does not
 * verify at `now`. A failure to reach the team's keys is logged and also answers null, so the
 * sign-in form still works.
 */
export async function verifyAccessAssertion(assertion: string, config: AccessConfig, keys: AccessKeys, now: Date): Promise<{ subject: string } | null> {
  try {
    const { payload } = await jwtVerify(assertion, keys(config.teamDomain), {
      audience: config.audience,
      issuer: `https://${config.teamDomain}`,
      algorithms: ["RS256"],
      currentDate: now,
      requiredClaims: ["exp", "iat"],
    });
    const subject = typeof payload.email === "string" && payload.email ? payload.email : payload.sub;
    return subject ? { subject } : null;
  } catch (error) {
    const isVerdict =
      error instanceof errors.JWTClaimValidationFailed ||
      error instanceof errors.JWTExpired ||
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWSInvalid ||
      error instanceof errors.JWTInvalid ||
      error instanceof errors.JWKSNoMatchingKey ||
      error instanceof errors.JOSEAlgNotAllowed;
    if (!isVerdict) console.error(`Cloudflare Access: could not verify an assertion against ${config.teamDomain}'s keys`, error);
    return null;
  }
}
