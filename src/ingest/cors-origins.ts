import { isSameSite } from "../first-party/site";

/**
 * CORS for the Tracking API. Browsers may send events from any site (the write key is public),
 * so every origin gets a non-credentialed `*`; origins listed in CORS_ORIGINS are echoed back
 * so their credentialed requests (first-party cookies) are allowed. Patterns may use `*` for
 * one host label or a port: `https://*.example.com`, `http://localhost:*`. Pages of the site
 * Sluice is served on (same registrable domain and scheme as `requestUrl`; on localhost or an IP,
 * the same host on any port) are first-party by definition and echoed without configuration.
 */
export function corsOriginFor(origin: string, configured: string | undefined, requestUrl?: string): string {
  if (!origin) return "*";
  if (requestUrl !== undefined && isSameSite(origin, requestUrl)) return origin;
  const allowed = (configured ?? "")
    .split(",")
    .map((pattern) => pattern.trim())
    .filter(Boolean)
    .some((pattern) => originMatches(origin, pattern));
  return allowed ? origin : "*";
}

export function originMatches(origin: string, pattern: string): boolean {
  const regex = new RegExp(
    "^" +
      pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
        .join("[A-Za-z0-9-]+") +
      "$",
  );
  return regex.test(origin);
}
