/**
 * Rows as JSON arrays, each bound as one parameter and read by `json_each(?)` in the statement.
 *
 * A multi-row VALUES list (chunked.ts) carries at most 100 bound parameters, so writing N rows
 * takes N / (100 / width) statements: fine for a batch's few dozen schema rows, not for a
 * regulation's tens of thousands of keys, which would pass D1's 1,000 queries per Worker
 * invocation. One JSON parameter carries thousands of rows instead (D1 bounds a value at 2 MB);
 * chunks stay at about 100 KB each, so a request of any size is a handful of statements.
 */
export const MAX_JSON_CHUNK_CHARACTERS = 100_000;

/** `values` as JSON arrays of at most `maxCharacters` each (one value always fits alone); none for none. */
export function jsonChunks(values: readonly unknown[], maxCharacters = MAX_JSON_CHUNK_CHARACTERS): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const value of values) {
    const text = JSON.stringify(value);
    if (current.length > 0 && size + text.length + 1 > maxCharacters) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(text);
    size += text.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}
