/**
 * Table and column names as Segment's warehouses spell them.
 *
 * - "All schemas convert collection and property names from CamelCase to snake_case using the
 *   go-snakecase package" (docs, Warehouse Schemas): `snakeCase` reproduces its behaviour,
 *   ASCII only, so any other character is a separator ("•¶§ƒ˚foo˙∆˚¬" is `foo`).
 * - "Redshift does not allow you to create tables or columns using reserved words ... we prepend a
 *   _ to any reserved word names" (docs, Redshift FAQ, example `_open`).
 * - The docs are silent on long names and on names that start with a digit. Sluice cuts names at
 *   127 characters (Redshift's identifier limit, the strictest of Segment's first warehouse) and
 *   prefixes `_` to a leading digit, the same fix as for reserved words, so every name is a plain
 *   identifier that needs no quoting in any engine.
 */
export const MAX_NAME_LENGTH = 127;

/**
 * go-snakecase, character for character: the input's already-clean start (lower-case letters,
 * digits, an `_` before one of those) is kept as is, then each run of ASCII letters and digits
 * becomes words of "upper-case letters and digits, then lower-case letters and digits", joined by
 * `_`. Like the original, a clean start that ends in a digit gives that digit to the next word
 * (`abc1Def` is `abc_1def`), and a leading `_` survives (`_id` stays `_id`).
 */
export function snakeCase(input: string): string {
  let index = 0;
  while (index < input.length && isCleanAt(input, index)) index++;
  if (index === input.length) return input;
  if (index > 0 && isDigit(input.charAt(index - 1))) index--;
  let out = input.slice(0, index);
  while (index < input.length) {
    if (!isLower(input.charAt(index)) && !isUpper(input.charAt(index)) && !isDigit(input.charAt(index))) {
      index++;
      continue;
    }
    if (out.length > 0) out += "_";
    while (index < input.length && (isUpper(input.charAt(index)) || isDigit(input.charAt(index)))) out += input.charAt(index++).toLowerCase();
    while (index < input.length && (isLower(input.charAt(index)) || isDigit(input.charAt(index)))) out += input.charAt(index++);
  }
  return out;
}

function isCleanAt(input: string, index: number): boolean {
  const char = input.charAt(index);
  if (isLower(char) || isDigit(char)) return true;
  return char === "_" && index < input.length - 1 && (isLower(input.charAt(index + 1)) || isDigit(input.charAt(index + 1)));
}

const isLower = (char: string): boolean => char >= "a" && char <= "z";
const isUpper = (char: string): boolean => char >= "A" && char <= "Z";
const isDigit = (char: string): boolean => char >= "0" && char <= "9";

/** Snake-cases one name and makes it a safe identifier; empty when nothing of it survives. */
export function toWarehouseName(raw: string): string {
  let name = snakeCase(raw);
  if (name === "") return "";
  if (REDSHIFT_RESERVED_WORDS.has(name) || /^[0-9]/.test(name)) name = `_${name}`;
  return name.slice(0, MAX_NAME_LENGTH);
}

/** A column for a nested path (`context.library.name` is `context_library_name`); empty parts are skipped. */
export function toColumnName(path: readonly string[]): string {
  const key = JSON.stringify(path);
  const known = columnNames.get(key);
  if (known !== undefined) return known;
  const parts = path.map(snakeCase).filter((part) => part !== "");
  const name = parts.length === 0 ? "" : toWarehouseName(parts.join("_"));
  // A sync names the same few hundred paths for every event: remembered, they cost a lookup.
  if (columnNames.size >= COLUMN_NAME_CACHE_SIZE) columnNames.clear();
  columnNames.set(key, name);
  return name;
}

const COLUMN_NAME_CACHE_SIZE = 10_000;
const columnNames = new Map<string, string>();

/** Every name this module produces matches this (Segment's own `timestamp` column too, reserved word or not). */
export function isValidWarehouseName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && /^[a-z_][a-z0-9_]*$/.test(name);
}

/**
 * Amazon Redshift's reserved words (Redshift Database Developer Guide, "Reserved words"), the list
 * Segment's `_` rule refers to. `timestamp` and `user` are on it: Segment's own `timestamp` column
 * is written quoted and is not renamed, but a property or event called `user` becomes `_user`.
 */
export const REDSHIFT_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "aes128 aes256 all allowoverwrite analyse analyze and any array as asc authorization az64 backup between binary blanksasnull both " +
    "bytedict bzip2 case cast check collate column constraint create credentials cross current_date current_time current_timestamp " +
    "current_user current_user_id default deferrable deflate defrag delta delta32k desc disable distinct do else emptyasnull enable " +
    "encode encrypt encryption end except explicit false for foreign freeze from full globaldict256 globaldict64k grant group gzip " +
    "having identity ignore ilike in initially inner intersect interval into is isnull join language leading left like limit " +
    "localtime localtimestamp lun luns lzo lzop minus mostly16 mostly32 mostly8 natural new not notnull null nulls off offline offset " +
    "oid old on only open or order outer overlaps parallel partition percent permissions pivot placing primary raw readratio recover " +
    "references rejectlog resort respect restore right select session_user similar snapshot some sysdate system table tag tdes text255 " +
    "text32k then timestamp to top trailing true truncatecolumns union unique unnest unpivot user using verbose wallet when where with without"
  ).split(" "),
);
