import type { Context } from "hono";
import { buildIdentityCookies, cookieScopeFor, readIdentityCookies } from "./identity-cookies";

/**
 * After a Tracking API POST from a browser (it carries `Origin`), refresh the identity cookies it
 * sent, server-set and so not capped by ITP. Only lifetimes are extended: the ids come from the
 * request's own Cookie header, never from its events, because the SDK owns identity changes
 * (an alias, a per-call anonymousId or a reset() must not become the visitor's cookie).
 * Server libraries send no Origin and get no cookies; the pixel API never calls this.
 */
export function refreshCollectionCookies(c: Context): void {
  if (!c.req.header("origin")) return;
  const identity = readIdentityCookies(c.req.header("cookie"));
  for (const cookie of buildIdentityCookies(identity, cookieScopeFor(new URL(c.req.url)))) {
    c.header("Set-Cookie", cookie, { append: true });
  }
}
