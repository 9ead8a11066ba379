/**
 * The domain identity cookies are written for: the registrable domain, so `www.` and `shop.`
 * share one anonymousId. The edge embeds it when the page is under the Sluice host's domain;
 * otherwise the SDK finds it as analytics.js does, by trying each parent domain from the top
 * until the browser accepts a cookie (it refuses public suffixes), with no suffix list to ship.
 */
export function candidateDomains(hostname: string): string[] {
  if (hostname === "localhost" || /^[\d.]+$|:/.test(hostname)) return [];
  const labels = hostname.split(".");
  const candidates: string[] = [];
  for (let i = labels.length - 2; i >= 0; i--) candidates.push(labels.slice(i).join("."));
  return candidates;
}

export function isWithinDomain(hostname: string, domain: string): boolean {
  return !!domain && (hostname === domain || hostname.endsWith("." + domain));
}

/** `probe(domain)` writes and reads back a test cookie; the first domain that sticks wins. */
export function detectCookieDomain(hostname: string, embedded: string, probe: (domain: string) => boolean): string {
  if (isWithinDomain(hostname, embedded)) return embedded;
  return candidateDomains(hostname).find(probe) || "";
}
