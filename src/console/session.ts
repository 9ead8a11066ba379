import { z } from "zod";
import { decodeBase64Url, encodeBase64Url } from "./base64url";

/**
 * The console's session: a signed, expiring value kept in an HttpOnly cookie.
 *
 * Format: `base64url(JSON payload) "." base64url(HMAC-SHA256(key, first part))`, payload
 * `{v:1, sub, iat, exp, csrf}` (times in Unix seconds, `csrf` a random secret per session).
 * The key is derived from the ADMIN_TOKEN secret with HKDF, so rotating the token ends every
 * session, and nothing else has to be configured or stored. The payload is signed, not
 * encrypted: it holds nothing a cookie's owner may not see.
 *
 * Pure: the time and the CSRF secret are passed in.
 */

export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/** Clocks of isolates differ a little; a session "issued" slightly in the future is still ours. */
const CLOCK_SKEW_SECONDS = 60;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const sessionSchema = z.object({
  v: z.literal(1),
  sub: z.string().min(1).max(320),
  iat: z.number().int(),
  exp: z.number().int(),
  csrf: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
});

export type Session = z.infer<typeof sessionSchema>;

/** The HMAC key for sessions and CSRF tokens, derived from the admin token (HKDF-SHA256). */
export async function deriveSessionKey(adminToken: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(adminToken), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("sluice-console"), info: encoder.encode("session-v1") },
    material,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

/** HMAC-SHA256 of `text` under `key`. */
export async function signText(key: CryptoKey, text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

/** Whether two byte strings are equal, in time that does not depend on where they differ. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  // Lengths are public here (an HMAC is always 32 bytes); timingSafeEqual requires them equal.
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

/** A fresh random CSRF secret for a new session (128 bits, base64url). */
export function newCsrfSecret(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

export interface IssueOptions {
  subject: string;
  /** Unix seconds. */
  now: number;
  csrfSecret: string;
  ttlSeconds?: number;
}

/** A new session and its signed cookie value. */
export async function issueSession(adminToken: string, options: IssueOptions): Promise<{ session: Session; value: string }> {
  const session: Session = sessionSchema.parse({
    v: 1,
    sub: options.subject,
    iat: options.now,
    exp: options.now + (options.ttlSeconds ?? SESSION_TTL_SECONDS),
    csrf: options.csrfSecret,
  });
  const payload = encodeBase64Url(encoder.encode(JSON.stringify(session)));
  const signature = await signText(await deriveSessionKey(adminToken), payload);
  return { session, value: `${payload}.${encodeBase64Url(signature)}` };
}

/**
 * The session a cookie value holds, or null when it is malformed, signed under another key (a
 * forged or tampered value, or one from before the admin token was rotated), or expired at `now`
 * (Unix seconds).
 */
export async function verifySession(adminToken: string, value: string, now: number): Promise<Session | null> {
  const parts = value.split(".");
  if (parts.length !== 2) return null;
  const [payload, signatureText] = parts as [string, string];
  const signature = decodeBase64Url(signatureText);
  if (!signature) return null;
  const expected = await signText(await deriveSessionKey(adminToken), payload);
  if (!bytesEqual(signature, expected)) return null;
  // Only a payload we signed gets this far: parsing it is safe, and still checked.
  const bytes = decodeBase64Url(payload);
  if (!bytes) return null;
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  const parsed = sessionSchema.safeParse(json);
  if (!parsed.success) return null;
  const session = parsed.data;
  if (now >= session.exp || session.iat > now + CLOCK_SKEW_SECONDS) return null;
  return session;
}
