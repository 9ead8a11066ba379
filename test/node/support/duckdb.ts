// DuckDB in this process (@duckdb/node-api): the reader the warehouse's files must satisfy.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue, type JS } from "@duckdb/node-api";

export interface DuckDb {
  /** The rows of `sql` as plain JS values (BIGINT as bigint, TIMESTAMPTZ as Date), `$1…` bound to `params`. */
  query(sql: string, ...params: DuckDBValue[]): Promise<Record<string, JS>[]>;
  close(): void;
}

/** An in-memory DuckDB whose session time zone is UTC, so timestamps print as they are stored. */
export async function openDuckDb(): Promise<DuckDb> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection: DuckDBConnection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return {
    async query(sql, ...params) {
      const statement = await connection.prepare(sql);
      if (params.length > 0) statement.bind(params);
      return (await statement.runAndReadAll()).getRowObjectsJS();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A fresh temporary directory, removed by the returned function. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-warehouse-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `bytes` at `key` under `root`, as R2 would hold the object, and returns its path. */
export async function writeObject(root: string, key: string, bytes: Uint8Array): Promise<string> {
  const path = join(root, key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}
