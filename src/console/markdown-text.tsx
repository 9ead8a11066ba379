import type { FC } from "hono/jsx";

/**
 * Segment's catalog descriptions are Markdown-ish text: `[label](https://…)` links, `**bold**`,
 * backticks. Shown as text (JSX escapes it), with only those links made links, and only to
 * http(s) addresses, so nothing in a description can become markup or a `javascript:` URL.
 */

const LINK = /\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;
const EMPHASIS = /\*\*|__|`/g;

/** The description as plain text: links as their label, emphasis marks dropped. */
export function plainText(markdown: string): string {
  return markdown.replace(LINK, "$1").replace(EMPHASIS, "").replace(/\s+/g, " ").trim();
}

/** At most `max` characters, cut at a word and marked with an ellipsis. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "")}…`;
}

type Segment = { text: string } | { label: string; href: string };

/** The description cut into text and links, in order. */
export function markdownSegments(markdown: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of markdown.matchAll(LINK)) {
    if (match.index > last) segments.push({ text: markdown.slice(last, match.index).replace(EMPHASIS, "") });
    segments.push({ label: match[1]!.replace(EMPHASIS, ""), href: match[2]! });
    last = match.index + match[0].length;
  }
  if (last < markdown.length) segments.push({ text: markdown.slice(last).replace(EMPHASIS, "") });
  return segments;
}

/** A description as text with its links. */
export const MarkdownText: FC<{ text: string }> = ({ text }) => (
  <>
    {markdownSegments(text).map((segment) =>
      "href" in segment ? (
        <a href={segment.href} rel="noopener noreferrer">
          {segment.label}
        </a>
      ) : (
        segment.text
      ),
    )}
  </>
);
