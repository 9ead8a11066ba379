import { readFileSync } from "node:fs";

/** Segment's official snippet, v5.2.0, verbatim (test/browser/pages/segment-snippet-5.2.0.html). */
const SEGMENT_SNIPPET = readFileSync(new URL("../pages/segment-snippet-5.2.0.html", import.meta.url), "utf8");
const SEGMENT_CDN = "https://cdn.segment.com";

export interface PageOptions {
  title: string;
  /** Extra markup for <head>, after the SDK. */
  head?: string;
  body?: string;
}

/** Options for the snippet's `analytics.load(writeKey, options)` (read by the SDK as `_loadOptions`). */
export type LoadOptions = Record<string, unknown>;

/** Where Sluice serves its analytics.js for a write key (the Segment CDN path, on Sluice). */
export function sdkUrl(sluice: string, writeKey: string): string {
  return `${sluice}/analytics.js/v1/${encodeURIComponent(writeKey)}/analytics.min.js`;
}

const SNIPPET_LOAD_CALL = 'analytics.load("YOUR_WRITE_KEY");';

/**
 * The official snippet with only the host changed (and the write key filled in, as documented);
 * with `loadOptions`, its `analytics.load("KEY")` becomes `analytics.load("KEY", loadOptions)`, as
 * a site passes options.
 */
export function segmentSnippet(sluice: string, writeKey: string, loadOptions?: LoadOptions): string {
  if (!SEGMENT_SNIPPET.includes(SEGMENT_CDN) || !SEGMENT_SNIPPET.includes("YOUR_WRITE_KEY") || !SEGMENT_SNIPPET.includes(SNIPPET_LOAD_CALL)) {
    throw new Error("pages/segment-snippet-5.2.0.html no longer holds the official snippet");
  }
  const snippet =
    loadOptions === undefined
      ? SEGMENT_SNIPPET
      : SEGMENT_SNIPPET.replace(SNIPPET_LOAD_CALL, `analytics.load("YOUR_WRITE_KEY", ${JSON.stringify(loadOptions)});`);
  return snippet.replaceAll(SEGMENT_CDN, sluice).replaceAll("YOUR_WRITE_KEY", writeKey);
}

function html({ title, head = "", body = "" }: PageOptions, sdk: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
${sdk}
${head}
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`;
}

/**
 * A page that loads Sluice with the official Segment snippet (which calls analytics.page()),
 * passing `loadOptions` to its `analytics.load` when given.
 */
export function snippetPage(sluice: string, writeKey: string, options: PageOptions, loadOptions?: LoadOptions): string {
  return html(options, segmentSnippet(sluice, writeKey, loadOptions));
}

/** A page that loads Sluice with a plain script tag (Sluice then sends the page call itself). */
export function scriptTagPage(sluice: string, writeKey: string, options: PageOptions): string {
  return html(options, `<script src="${sdkUrl(sluice, writeKey)}"></script>`);
}

/** A page without any analytics. */
export function plainPage(options: PageOptions): string {
  return html(options, "");
}
