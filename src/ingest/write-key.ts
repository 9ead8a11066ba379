/**
 * Segment clients send the write key as HTTP Basic user name (`base64(writeKey + ":")`, what
 * analytics-node does) or as `writeKey` in the body (analytics.js with `text/plain` bodies,
 * which skip CORS preflight, and the pixel API's data).
 */
export function readWriteKeyFromAuthorization(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return undefined;
  }
  const user = decoded.split(":", 1)[0];
  return user ? user : undefined;
}

export function readWriteKeyFromBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const key = (body as { writeKey?: unknown }).writeKey;
  return typeof key === "string" && key.length > 0 ? key : undefined;
}
