import type { CatalogEntry } from "../../destinations/actions/catalog";
import { plainText } from "../markdown-text";

/** A catalog destination as its list shows it. */
export interface CatalogItem {
  slug: string;
  name: string;
  /** Plain text (markdown-text.ts), whole: the page truncates it. */
  description: string;
  actions: number;
  /** Shown when it has no description (most of Segment's have none). */
  actionTitles: string[];
}

export const catalogItemOf = (entry: CatalogEntry): CatalogItem => ({
  slug: entry.slug,
  name: entry.name,
  description: plainText(entry.description),
  actions: entry.actions.length,
  actionTitles: entry.actions.map((action) => action.title),
});

/** How many destinations a catalog page lists. */
export const CATALOG_PAGE_SIZE = 48;

/** The query as words: each must appear in the name, slug, description or an action's title. */
const wordsOf = (query: string) => query.toLowerCase().split(/\s+/).filter(Boolean);

/**
 * The destinations a query finds, best first: those whose name starts with it, then those whose
 * name holds it, then the rest by how many of its words their name holds; then by name. Pure.
 */
export function searchCatalog(items: readonly CatalogItem[], query: string): CatalogItem[] {
  const words = wordsOf(query);
  const whole = words.join(" ");
  const rank = (item: CatalogItem) => {
    const name = item.name.toLowerCase();
    if (name.startsWith(whole)) return 0;
    if (name.includes(whole) || item.slug.includes(whole)) return 1;
    return 2 + words.filter((word) => !name.includes(word)).length;
  };
  return items
    .filter((item) => {
      const haystack = `${item.name} ${item.slug} ${item.description} ${item.actionTitles.join(" ")}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    })
    .map((item) => ({ item, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.item.name.localeCompare(b.item.name))
    .map(({ item }) => item);
}
