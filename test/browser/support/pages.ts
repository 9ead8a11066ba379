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

/** Where Sluice serves its analytics.js for a write key (the Segment CDN path, on Sluice). */
export function sdkUrl(sluice: string, writeKey: string): string {
  return `${sluice}/analytics.js/v1/${encodeURIComponent(writeKey)}/analytics.min.js`;
}

/** The official snippet with only the host changed (and the write key filled in, as documented). */
export function segmentSnippet(sluice: string, writeKey: string): string {
  if (!SEGMENT_SNIPPET.includes(SEGMENT_CDN) || !SEGMENT_SNIPPET.includes("YOUR_WRITE_KEY")) {
    throw new Error("pages/segment-snippet-5.2.0.html no longer holds the official snippet");
  }
  return SEGMENT_SNIPPET.replaceAll(SEGMENT_CDN, sluice).replaceAll("YOUR_WRITE_KEY", writeKey);
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

/** A page that loads Sluice with the official Segment snippet (which calls analytics.page()). */
export function snippetPage(sluice: string, writeKey: string, options: PageOptions): string {
  return html(options, segmentSnippet(sluice, writeKey));
}

/** A page that loads Sluice with a plain script tag (Sluice then sends the page call itself). */
export function scriptTagPage(sluice: string, writeKey: string, options: PageOptions): string {
  return html(options, `<script src="${sdkUrl(sluice, writeKey)}"></script>`);
}

/** A page without any analytics. */
export function plainPage(options: PageOptions): string {
  return html(options, "");
}
