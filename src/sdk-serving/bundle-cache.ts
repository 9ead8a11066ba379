/**
 * Built analytics.js bodies, per isolate. A body depends only on the SDK build, the host it is
 * served on (apiHost, cookie domain) and the source, so the caller keys it by all three and it
 * never goes stale: a new SDK build is a new key. Building is a string concatenation and one
 * SHA-256 of ~15 KB, cheaper than a Cache API round trip, so memory is the only tier; what is
 * saved is doing it per request. Visitor-specific parts (cookies) are never in the body.
 */
export interface BuiltBundle {
  body: string;
  /** Strong ETag: the quoted hex SHA-256 (first 128 bits) of the exact body. */
  etag: string;
}

const LIMIT = 100; // sources × hosts; each entry is one SDK copy
const bundles = new Map<string, BuiltBundle>();

export async function getBuiltBundle(key: string, build: () => string): Promise<BuiltBundle> {
  const hit = bundles.get(key);
  if (hit) return hit;
  const body = build();
  const bundle = { body, etag: await strongEtagOf(body) };
  if (bundles.size >= LIMIT) bundles.delete(bundles.keys().next().value!);
  bundles.set(key, bundle);
  return bundle;
}

export async function strongEtagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex}"`;
}

/** `If-None-Match` uses weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}
