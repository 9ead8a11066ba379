/** D1 as the code sees it, counting the statements it prepares and the batches it sends: for tests that bound D1 work. */
export function countingDb(db: D1Database): { db: D1Database; statements: () => number; batches: () => number } {
  let statements = 0;
  let batches = 0;
  const counted = new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return (sql: string) => ((statements += 1), target.prepare(sql));
      if (property === "batch") return (list: D1PreparedStatement[]) => ((batches += 1), target.batch(list));
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: counted, statements: () => statements, batches: () => batches };
}
