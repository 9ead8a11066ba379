import { isDeepStrictEqual } from "node:util";
import type { OutboundRequest } from "./capture-server";

/**
 * How the differential test compares a request Sluice sent with one Segment's code made in Node:
 * method, the URL the destination meant, the headers the destination set, and the body parsed
 * (JSON as a value, a form as its ordered fields with JSON values parsed, anything else as text).
 */

/**
 * Headers the transport adds or rewrites on the way (workerd's fetch, Node's HTTP server, the
 * OUTBOUND_ORIGIN redirect), never set by a destination's code: they say nothing about what the
 * destination sent. `cf-worker` is the zone Cloudflare stamps on every subrequest a Worker makes
 * (https://developers.cloudflare.com/fundamentals/reference/http-headers/#cf-worker). Every
 * other header is compared.
 */
const TRANSPORT_HEADERS = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "accept-encoding",
  "x-original-url",
  "cf-worker",
]);

export type Body = { json: unknown } | { form: [string, unknown][] } | { text: string };

export interface ComparableRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Body;
}

/** A place in a request that differs between two runs of the same code, with the reason. */
export interface Normalization {
  /** `body`: a path into the JSON body (`data[0].event_time`); `query`: a query parameter; `header`: a header name. */
  in: "body" | "query" | "header";
  path: string;
  why: string;
}

export const NORMALIZED = "<normalized>";

export function toComparable(request: OutboundRequest, normalizations: readonly Normalization[] = []): ComparableRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  const comparable: ComparableRequest = {
    method: request.method.toUpperCase(),
    url: request.url,
    headers,
    body: parseBody(request.body, headers["content-type"]),
  };
  for (const normalization of normalizations) normalize(comparable, normalization);
  return comparable;
}

function parseBody(text: string, contentType: string | undefined): Body {
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return { form: [...new URLSearchParams(text)].map(([name, value]) => [name, parseJsonOr(value)]) };
  }
  if (text === "") return { text };
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { text };
  }
}

function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function normalize(request: ComparableRequest, normalization: Normalization): void {
  switch (normalization.in) {
    case "header":
      if (normalization.path.toLowerCase() in request.headers) request.headers[normalization.path.toLowerCase()] = NORMALIZED;
      return;
    case "query": {
      const url = new URL(request.url);
      if (url.searchParams.has(normalization.path)) {
        url.searchParams.set(normalization.path, NORMALIZED);
        request.url = url.toString();
      }
      return;
    }
    case "body":
      if ("json" in request.body) request.body = { json: replaceAt(request.body.json, pathSegments(normalization.path)) };
      else if ("form" in request.body) {
        const [field = "", ...rest] = pathSegments(normalization.path);
        request.body = { form: request.body.form.map(([name, value]) => [name, name === String(field) ? replaceAt(value, rest) : value]) };
      }
      return;
  }
}

/** `a.b[0].c` → ["a", "b", 0, "c"]. */
function pathSegments(path: string): (string | number)[] {
  return path
    .split(/\.|(?=\[)/)
    .filter((segment) => segment !== "")
    .map((segment) => (/^\[\d+\]$/.test(segment) ? Number(segment.slice(1, -1)) : segment));
}

/** A copy of `value` with the value at `path` replaced by NORMALIZED, when it is there. */
function replaceAt(value: unknown, path: readonly (string | number)[]): unknown {
  if (path.length === 0) return value === undefined ? value : NORMALIZED;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value) && typeof head === "number" && head < value.length) {
    return (value as unknown[]).map((item, index) => (index === head ? replaceAt(item, rest) : item));
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value) && typeof head === "string" && head in value) {
    return { ...value, [head]: replaceAt((value as Record<string, unknown>)[head], rest) };
  }
  return value;
}

export interface Labelled<T> {
  /** Which event made it (reference side), or where it came from. */
  label: string;
  request: T;
}

export interface Pairing {
  matched: number;
  /** Requests that differ, paired with the likeliest counterpart (same method and URL first). */
  differing: { label: string; sluice: ComparableRequest; reference: ComparableRequest }[];
  /** Requests only the reference made. */
  missing: Labelled<ComparableRequest>[];
  /** Requests only Sluice made. */
  extra: ComparableRequest[];
}

/**
 * Pairs Sluice's requests with the reference's as multisets: identical ones first, then the
 * rest by method and URL, then by the most top-level body fields in common. Order is ignored:
 * deliveries run concurrently.
 */
export function pairRequests(sluice: readonly ComparableRequest[], reference: readonly Labelled<ComparableRequest>[]): Pairing {
  const unusedSluice = [...sluice];
  const unmatched: Labelled<ComparableRequest>[] = [];
  let matched = 0;
  for (const expected of reference) {
    const index = unusedSluice.findIndex((actual) => isDeepStrictEqual(actual, expected.request));
    if (index >= 0) {
      unusedSluice.splice(index, 1);
      matched += 1;
    } else unmatched.push(expected);
  }
  const differing: Pairing["differing"] = [];
  const missing: Labelled<ComparableRequest>[] = [];
  for (const expected of unmatched) {
    let best = -1;
    let bestScore = 0;
    unusedSluice.forEach((actual, index) => {
      const score = similarity(actual, expected.request);
      if (score > bestScore) [best, bestScore] = [index, score];
    });
    if (best < 0) missing.push(expected);
    else differing.push({ label: expected.label, sluice: unusedSluice.splice(best, 1)[0]!, reference: expected.request });
  }
  return { matched, differing, missing, extra: unusedSluice };
}

function similarity(a: ComparableRequest, b: ComparableRequest): number {
  if (a.method !== b.method) return 0;
  let score = a.url === b.url ? 1_000 : new URL(a.url).host === new URL(b.url).host ? 100 : 1;
  const left = "json" in a.body ? a.body.json : undefined;
  const right = "json" in b.body ? b.body.json : undefined;
  if (typeof left === "object" && left !== null && typeof right === "object" && right !== null) {
    for (const [key, value] of Object.entries(left)) if (isDeepStrictEqual(value, (right as Record<string, unknown>)[key])) score += 1;
  }
  return score;
}

/** Where two values differ, as `path: sluice ≠ reference` lines (for a readable failure message). */
export function describeDifferences(sluice: unknown, reference: unknown, path = ""): string[] {
  if (isDeepStrictEqual(sluice, reference)) return [];
  if (
    typeof sluice === "object" &&
    sluice !== null &&
    typeof reference === "object" &&
    reference !== null &&
    Array.isArray(sluice) === Array.isArray(reference)
  ) {
    const keys = new Set([...Object.keys(sluice), ...Object.keys(reference)]);
    return [...keys].flatMap((key) =>
      describeDifferences(
        (sluice as Record<string, unknown>)[key],
        (reference as Record<string, unknown>)[key],
        Array.isArray(sluice) ? `${path}[${key}]` : `${path}.${key}`,
      ),
    );
  }
  return [`${path || "(whole)"}: Sluice ${JSON.stringify(sluice) ?? "nothing"} ≠ reference ${JSON.stringify(reference) ?? "nothing"}`];
}
