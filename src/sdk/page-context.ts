import type { BufferedPage, Dict } from "./types";

/** What Segment's `context.page` and page properties are made of. */
export interface PageFacts {
  url: string;
  title: string;
  referrer: string;
  canonical?: string;
}

export interface PageContext extends Dict {
  path: string;
  referrer: string;
  search: string;
  title: string;
  url: string;
}

/**
 * `context.page` as analytics.js builds it: a canonical link wins for `url` and `path` (with the
 * current query string kept when the canonical URL has none); the hash never counts.
 */
export function buildPageContext({ url, title, referrer, canonical }: PageFacts): PageContext {
  const location = new URL(url);
  const search = location.search;
  let href = url.split("#")[0]!;
  let path = location.pathname;
  if (canonical) {
    const resolved = new URL(canonical, url);
    href = canonical.includes("?") ? canonical : canonical + search;
    path = resolved.pathname;
  }
  return { path, referrer, search, title, url: href };
}

/** The snippet's buffered page facts, for calls made before the SDK loaded. */
export function pageFactsFromBuffered(buffered: BufferedPage): PageFacts {
  return { url: buffered.u, title: buffered.t, referrer: buffered.r, canonical: buffered.c };
}

export function isBufferedPage(value: unknown): value is BufferedPage {
  return !!value && (value as BufferedPage).__t === "bpc";
}

/**
 * `context.campaign` from `utm_*` query parameters: the prefix is dropped and `campaign` becomes
 * `name`, as analytics.js does. Not persisted: only the landing page carries it.
 */
export function parseCampaign(search: string): Dict | undefined {
  const campaign: Dict = {};
  new URLSearchParams(search).forEach((value, key) => {
    if (!key.startsWith("utm_")) return;
    const field = key.slice(4);
    campaign[field === "campaign" ? "name" : field] = value;
  });
  return Object.keys(campaign).length ? campaign : undefined;
}
