import { parse } from "tldts";

/**
 * The site a host belongs to: its registrable domain ("eTLD+1") by the Public Suffix List, as
 * browsers compute it for cookies and SameSite. `data.shop.example.co.uk` → `example.co.uk`.
 *
 * The list's private section counts (`allowPrivateDomains`): browsers refuse cookies on
 * `workers.dev` or `pages.dev` and treat `a.pages.dev` and `b.pages.dev` as different sites, so
 * must we, or one tenant's page would get credentialed CORS to another tenant's Sluice.
 * localhost, IP addresses and single-label hosts have no registrable domain: cookies stay
 * host-only there and only the exact host is first-party.
 */
export function registrableDomainOf(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  // URL hostnames may still hold `;`, `=` or `,` (not forbidden host code points); anything but a
  // plain DNS name gets no Domain attribute, so nothing from a Host header can shape a cookie.
  if (!/^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(host)) return undefined;
  if (host === "localhost" || host.endsWith(".localhost")) return undefined;
  const { domain, isIp } = parse(host, { allowPrivateDomains: true, extractHostname: false });
  return isIp || !domain ? undefined : domain;
}

/** The `Domain` cookie attribute for a host: its registrable domain, or "" for host-only cookies. */
export function cookieDomainFor(hostname: string): string {
  return registrableDomainOf(hostname) ?? "";
}

/**
 * Whether a page origin is part of the site serving this request, so its credentialed requests
 * are first-party: the same host (any port, as on localhost), or a host under the same
 * registrable domain. The scheme must match too (browsers' "schemeful same-site"): an http page
 * does not get the cookies of an https collector.
 */
export function isSameSite(origin: string, requestUrl: string): boolean {
  const page = parseUrl(origin);
  const server = parseUrl(requestUrl);
  if (!page || !server || page.protocol !== server.protocol) return false;
  if (page.hostname === server.hostname) return true;
  const site = registrableDomainOf(server.hostname);
  return site !== undefined && registrableDomainOf(page.hostname) === site;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined; // `Origin: null` (sandboxed frames, file://) and garbage
  }
}
