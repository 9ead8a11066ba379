import { decodeBase64Url, encodeBase64Url } from "./base64url";
import { bytesEqual, deriveSessionKey, signText, type Session } from "./session";

/**
 * CSRF protection for every POST under /console, two independent checks:
 *
 * 1. A token in the hidden form field `csrf`, derived from the session (HMAC of its CSRF secret
 *    under the session key): another site cannot read it, and it changes with every sign-in.
 *    The sign-in form has no session yet; its defence is SameSite=Strict and check 2.
 * 2. The browser's own word on where the request came from: `Sec-Fetch-Site` when sent (every
 *    current browser), else `Origin`. A cross-site POST is refused even with a valid token.
 *
 * Pure apart from WebCrypto.
 */

export const CSRF_FIELD = "csrf";

/** The CSRF token of a session, for the hidden `csrf` field of its forms. */
export async function csrfTokenFor(adminToken: string, session: Session): Promise<string> {
  return encodeBase64Url(await signText(await deriveSessionKey(adminToken), `csrf|${session.csrf}`));
}

/** Whether `presented` is the session's CSRF token (constant-time). */
export async function isCsrfTokenValid(adminToken: string, session: Session, presented: string | undefined): Promise<boolean> {
  const bytes = presented ? decodeBase64Url(presented) : null;
  if (!bytes) return false;
  const expected = await signText(await deriveSessionKey(adminToken), `csrf|${session.csrf}`);
  return bytesEqual(bytes, expected);
}

/**
 * Whether a POST may have come from the console's own pages. `Sec-Fetch-Site` must be
 * `same-origin` when present (browsers set it and pages cannot forge it); otherwise `Origin`, when
 * present, must be the request's own origin (`null`, sent by sandboxed frames and some redirects,
 * is refused). A request with neither comes from no browser we know of (curl, a script): it holds
 * the cookie itself, so only the token check applies to it.
 */
export function isSameOriginPost(requestUrl: string, headers: { get(name: string): string | null }): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = headers.get("origin");
  if (origin === null) return true;
  return origin === new URL(requestUrl).origin;
}
