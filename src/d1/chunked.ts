/** D1 binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMETERS = 100;

export type Row = (string | number | null)[];

/**
 * Multi-row statements: `template(values)` gets `(?, ?), (?, ?)…` for as many rows as the
 * parameter limit allows, so writing N rows costs ⌈N / rows-per-statement⌉ statements.
 */
export function chunked(db: D1Database, rows: readonly Row[], template: (values: string) => string): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const width = rows[0]!.length;
  const perStatement = Math.floor(MAX_BOUND_PARAMETERS / width);
  const placeholder = `(${Array.from({ length: width }, () => "?").join(", ")})`;
  const statements: D1PreparedStatement[] = [];
  for (let offset = 0; offset < rows.length; offset += perStatement) {
    const part = rows.slice(offset, offset + perStatement);
    statements.push(db.prepare(template(part.map(() => placeholder).join(", "))).bind(...part.flat()));
  }
  return statements;
}
