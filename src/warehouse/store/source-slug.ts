import { snakeCase } from "../schema/naming";

/**
 * The schema name the space-wide identity tables are written under (`warehouse/profiles/…`), so
 * no source may take it.
 */
export const IDENTITY_SCHEMA = "profiles";

/** Lower-case letters, digits and `_`, starting with a letter or `_`: a schema name every engine takes unquoted. */
export const SLUG_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function isSourceSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug) && slug !== IDENTITY_SCHEMA;
}

/**
 * A source's warehouse schema name from its display name, as Segment names schemas: snake_case
 * (`Web Shop` → `web_shop`), `_2`, `_3`… when taken, `source` when the name has no letters or digits.
 */
export function slugFromName(name: string, taken: (slug: string) => boolean): string {
  let base = snakeCase(name)
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 56);
  if (base === "") base = "source";
  if (/^[0-9]/.test(base)) base = `_${base}`;
  for (let suffix = 1; ; suffix += 1) {
    const slug = suffix === 1 ? base : `${base}_${suffix}`;
    if (isSourceSlug(slug) && !taken(slug)) return slug;
  }
}
