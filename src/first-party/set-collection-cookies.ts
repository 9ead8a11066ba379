import type { Context } from "hono";
import { buildIdentityCookies, cookieScopeFor, pickIdentity } from "./identity-cookies";

/**
 * After a Tracking API POST succeeded: a browser sent it (it carries `Origin`), so refresh the
 * identity cookies with the ids its events carried, server-set and so not capped by ITP. Server
 * libraries send no Origin and get no cookies; the pixel API (email opens) never calls this.
 */
export function setCollectionCookies(c: Context, events: readonly { anonymousId?: string | null; userId?: string | null }[]): void {
  if (!c.req.header("origin")) return;
  for (const cookie of buildIdentityCookies(pickIdentity(events), cookieScopeFor(new URL(c.req.url)))) {
    c.header("Set-Cookie", cookie, { append: true });
  }
}
