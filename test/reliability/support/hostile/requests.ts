import fc from "fast-check";

/**
 * Hostile request lines and credentials: forged, malformed and oversized write keys and admin
 * tokens, odd methods and odd paths.
 */

/**
 * Methods workerd's HTTP parser knows. It answers any other token (FOO, M-SEARCH, LINK) itself
 * with 501 before the Worker runs, as RFC 9110 prescribes for a method a server does not
 * recognise; Cloudflare's edge does the same in front of a deployment. Not Sluice's to change.
 */
export const KNOWN_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "PURGE",
  "OPTIONS",
  "TRACE",
  "COPY",
  "LOCK",
  "MKCOL",
  "MOVE",
  "PROPFIND",
  "PROPPATCH",
  "SEARCH",
  "UNLOCK",
  "ACL",
  "REPORT",
  "MKACTIVITY",
  "CHECKOUT",
  "MERGE",
  "MSEARCH",
  "NOTIFY",
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "QUERY",
] as const;

const base64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

/** Header values Node will send (Latin-1, no control characters), odd as they may be. */
const headerText = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 40 })
  .filter((text) => !text.includes("\u007f"));

/** Sizes around the limits a proxy or workerd may put on one header. */
const oversized = fc.constantFrom(8 * 1024, 32 * 1024, 60 * 1024, 70 * 1024, 200 * 1024, 1024 * 1024);

/**
 * An Authorization header that is not `genuine`'s: a wrong or altered secret, another scheme,
 * a broken encoding, or an oversized value. `basic` says whether the API reads Basic (the
 * Tracking API's write key, the Profile API's token) or Bearer (the admin token).
 */
export function forgedAuthorization(genuine: readonly string[], scheme: "Basic" | "Bearer"): fc.Arbitrary<string> {
  const altered = fc
    .constantFrom(...genuine)
    .chain((secret) =>
      fc.constantFrom(secret.toUpperCase(), secret.slice(0, -1), `${secret}x`, `x${secret}`, `${secret}\u00a0`, `${secret.slice(0, 4)}`, `${secret}:${secret}`),
    );
  const wrongSecret = fc.oneof(
    altered,
    headerText.filter((text) => text.trim() !== "" && !genuine.includes(text)),
  );
  const secretAs = (secret: string, as: "Basic" | "Bearer") => (as === "Basic" ? `Basic ${base64(`${secret}:`)}` : `Bearer ${secret}`);
  const other = scheme === "Basic" ? "Bearer" : "Basic";
  const forged = fc.oneof(
    wrongSecret.map((secret) => secretAs(secret, scheme)),
    // The genuine secret under the other scheme is still no credential for this API.
    fc.constantFrom(...genuine).map((secret) => secretAs(secret, other)),
    fc.constantFrom(scheme, `${scheme} `, `${scheme} ====`, `${scheme} !!!`, `${scheme} ${base64(":")}`, "Digest username=x", "null", "undefined", "", "  "),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => `Basic ${base64(Buffer.from(bytes))}`),
    headerText.map((text) => `${scheme} ${text}`),
    oversized.map((size) => `${scheme} ${"A".repeat(size)}`),
  );
  // Basic's user name is what counts: a forgery must not decode to a genuine secret.
  return forged.filter((header) => !genuine.some((secret) => decodesTo(header, secret)));
}

function decodesTo(header: string, secret: string): boolean {
  const match = /^\s*(Basic|Bearer)\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  if (match[1]!.toLowerCase() === "bearer") return match[2] === secret;
  return Buffer.from(match[2]!.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1").split(":")[0] === secret;
}

/** Path segments that are odd, encoded or hostile. */
export const oddSegment = fc.oneof(
  fc.constantFrom("..", "%2e%2e", "%2E%2E%2F", ".%00.", "%00", "%ff%fe", "%c0%ae", "%", "%zz", "\\", "..%5c", "~", "*", "%2F", "a;b=c", "%E2%80%AE"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.integer({ min: 200, max: 10_000 }).map((length) => "a".repeat(length)),
);

/** `path` with one of its segments swapped for an odd one, or an odd suffix, query or slashes. */
export function oddPathFrom(path: string): fc.Arbitrary<string> {
  const segments = path.split("/");
  return fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: segments.length - 1 }), oddSegment)
      .map(([index, segment]) => segments.map((part, at) => (at === index ? segment : part)).join("/")),
    oddSegment.map((segment) => `${path}/${segment}`),
    fc.constantFrom(`${path}/`, `/${path}`, path.replace("/", "//"), path.toUpperCase(), `${path}?`, `${path}#x`, `${path}/.`, `${path}/..`),
    fc.tuple(oddSegment, oddSegment).map(([key, value]) => `${path}?${key}=${value}&${key}`),
  );
}
