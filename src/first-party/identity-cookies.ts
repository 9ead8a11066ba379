import { generateCookie } from "hono/cookie";
import { parse } from "hono/utils/cookie";
import { cookieDomainFor } from "./site";

/**
 * Identity cookies set by the server. Safari (ITP) caps cookies written by scripts at 7 days, but
 * not cookies set in an HTTP response from the site's own domain, so Sluice sets and refreshes
 * the ids analytics.js keeps (same names, so analytics.js, analytics-next and Sluice's SDK all
 * read them) whenever a browser loads the bundle or sends events.
 *
 * Not HttpOnly: the SDK reads them. A value is used only if it is a plausible id (at most 200
 * characters, no control characters); it is written percent-encoded, so nothing a client sent
 * reaches a header raw.
 */
export const ANONYMOUS_ID_COOKIE = "ajs_anonymous_id";
export const USER_ID_COOKIE = "ajs_user_id";
const ONE_YEAR_SECONDS = 31_536_000;
const MAX_ID_LENGTH = 200;

export interface Identity {
  anonymousId?: string;
  userId?: string;
}

/** Where the cookies go: the request's registrable domain ("" = host-only), Secure over https. */
export interface CookieScope {
  domain: string;
  secure: boolean;
}

export function cookieScopeFor(requestUrl: URL): CookieScope {
  return { domain: cookieDomainFor(requestUrl.hostname), secure: requestUrl.protocol === "https:" };
}

export function isAcceptableId(value: string): boolean {
  // C0, DEL and C1 controls: CR/LF would split a header, the rest has no business in an id.
  return value.length > 0 && value.length <= MAX_ID_LENGTH && !/[\u0000-\u001f\u007f-\u009f]/.test(value);
}

/**
 * A cookie value as an id. Classic analytics.js stored ids JSON-encoded (`%22abc%22`, or `"abc"`
 * once decoded); analytics-next and Sluice store them plain. Hono's parser has already removed
 * one pair of outer quotes and percent-decoded, so what is left quoted is the legacy form.
 */
export function normalizeIdValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(value);
    } catch {
      return undefined;
    }
    if (typeof decoded !== "string") return undefined;
    value = decoded;
  }
  return isAcceptableId(value) ? value : undefined;
}

/** The ids in a request's `Cookie` header, legacy values normalized, implausible ones dropped. */
export function readIdentityCookies(cookieHeader: string | undefined | null): Identity {
  if (!cookieHeader) return {};
  const cookies = parse(cookieHeader);
  const identity: Identity = {};
  const anonymousId = normalizeIdValue(cookies[ANONYMOUS_ID_COOKIE]);
  const userId = normalizeIdValue(cookies[USER_ID_COOKIE]);
  if (anonymousId !== undefined) identity.anonymousId = anonymousId;
  if (userId !== undefined) identity.userId = userId;
  return identity;
}

/** `Set-Cookie` values for the acceptable ids: one year, whole site, Lax (sent on navigations). */
export function buildIdentityCookies(identity: Identity, scope: CookieScope): string[] {
  const options = {
    maxAge: ONE_YEAR_SECONDS,
    path: "/",
    sameSite: "Lax",
    secure: scope.secure,
    ...(scope.domain ? { domain: scope.domain } : {}),
  } as const;
  const cookies: string[] = [];
  for (const [name, value] of [
    [ANONYMOUS_ID_COOKIE, identity.anonymousId],
    [USER_ID_COOKIE, identity.userId],
  ] as const) {
    if (value !== undefined && isAcceptableId(value)) cookies.push(generateCookie(name, value, options));
  }
  return cookies;
}

/**
 * The bundle response's cookies: keep the visitor's anonymous id (rewritten plain if it was a
 * legacy value) or mint one, and refresh the user id if there is one.
 */
export function identityForBundle(cookieHeader: string | undefined | null, newAnonymousId: () => string): Identity {
  const existing = readIdentityCookies(cookieHeader);
  return { ...existing, anonymousId: existing.anonymousId ?? newAnonymousId() };
}
