import type { z } from "zod";

/**
 * Thrown when JSON that Sluice stored itself (D1, Durable Object SQLite, R2) no longer has the
 * shape the code expects: a hand edit, a bug in an older version, or a migration that missed a
 * row. `where` names the table (or object) and the row, so an operator can find and fix it.
 */
export class StoredDataError extends Error {
  override readonly name = "StoredDataError";
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`stored ${where} is not readable: ${detail}. Fix or delete that row; the code will not guess what it meant.`);
  }
}

/**
 * Reads stored JSON back through the zod schema that describes it, usually the one that
 * validated it on the way in (the stored shape is the validated shape), never with a cast.
 */
export function parseStoredJson<Schema extends z.ZodType>(schema: Schema, text: string, where: string): z.output<Schema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StoredDataError(where, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoredDataError(where, `${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "unexpected shape"}`);
  }
  return parsed.data;
}
