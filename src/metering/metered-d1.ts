import type { Meter } from "./meter";

type Statement = D1PreparedStatement;

/**
 * D1 as the code sees it, counting queries and the rows D1 reports reading and writing
 * (`meta.rows_read`/`rows_written`, what D1 bills: https://developers.cloudflare.com/d1/platform/pricing/)
 * and the database size after each query. `first()` and `raw()` answer without `meta`, so here
 * they run as `all()` and pick their answer from it.
 */
export function meteredD1<T extends D1Database | D1DatabaseSession>(group: string, db: T, meter: Meter): T {
  const originals = new WeakMap<object, Statement>();
  const record = (meta: D1Meta | undefined) => {
    meter.count(group, { queries: 1, rowsRead: meta?.rows_read ?? 0, rowsWritten: meta?.rows_written ?? 0 });
    if (typeof meta?.size_after === "number") meter.gauge(`${group}.sizeAfter`, meta.size_after);
  };
  const wrap = (statement: Statement): Statement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        switch (property) {
          case "bind":
            return (...values: unknown[]) => wrap(target.bind(...values));
          case "run":
          case "all":
            return async () => {
              const result = await (property === "run" ? target.run() : target.all());
              record(result.meta);
              return result;
            };
          case "first":
            return async (column?: string) => {
              const result = await target.all<Record<string, unknown>>();
              record(result.meta);
              const row = result.results[0];
              if (!row || column === undefined) return row ?? null;
              if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
              return row[column];
            };
          case "raw":
            return async (options?: { columnNames?: boolean }) => {
              const result = await target.all<Record<string, unknown>>();
              record(result.meta);
              const rows = result.results.map((row) => Object.values(row));
              return options?.columnNames ? [Object.keys(result.results[0] ?? {}), ...rows] : rows;
            };
          default:
            return bound(target, property);
        }
      },
    });
    originals.set(wrapped, statement);
    return wrapped;
  };
  return new Proxy(db, {
    get(target, property) {
      switch (property) {
        case "prepare":
          return (query: string) => wrap(target.prepare(query));
        case "batch":
          return async (statements: Statement[]) => {
            const results = await target.batch(statements.map((statement) => originals.get(statement) ?? statement));
            for (const result of results) record(result.meta);
            return results;
          };
        case "withSession":
          return (...args: unknown[]) => meteredD1(group, (target as D1Database).withSession(...(args as Parameters<D1Database["withSession"]>)), meter);
        default:
          return bound(target, property);
      }
    },
  });
}

/** A property of a binding, with methods bound to it (bindings check their receiver). */
export function bound(target: object, property: string | symbol): unknown {
  const value = Reflect.get(target, property) as unknown;
  return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}
