/**
 * CORS for the Tracking API. Browsers may send events from any site (the write key is public),
 * so every origin gets a non-credentialed `*`; origins listed in CORS_ORIGINS are echoed back
 * so their credentialed requests (first-party cookies) are allowed. Patterns may use `*` for
 * one host label or a port: `https://*.example.com`, `http://localhost:*`.
 */
export function corsOriginFor(origin: string, configured: string | undefined): string {
  if (!origin) return "*";
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
