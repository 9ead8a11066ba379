// The warehouse's admin API (`/api/v1/warehouse`) from Node: syncs run to their end, and a source's
// Parquet files copied to a temporary directory at their R2 keys, for DuckDB to read as a user would.
import { createHash } from "node:crypto";
import { makeTempDir, writeObject } from "../../node/support/duckdb";
import { adminFetch, waitUntil } from "./sluice";

export interface Sync {
  id: string;
  sourceId: string;
  status: "running" | "succeeded" | "failed";
  trigger: "manual" | "schedule" | "regulation";
  createdAt: string;
  finishedAt?: string;
  hoursSynced: number;
  hoursTotal: number;
  rowsWritten: number;
  filesWritten: number;
  error?: string;
}

export interface WarehouseFile {
  key: string;
  table: string;
  rows: number;
  bytes: number;
}

export interface WarehouseSource {
  sourceId: string;
  slug: string;
  excludedEvents: string[];
  excludedProperties: Record<string, string[]>;
  lastSync?: Sync;
}

/** A source's files as downloaded: each with the sha256 of its bytes, under `dir` at its key. */
export interface WarehouseCopy {
  dir: string;
  files: (WarehouseFile & { sha256: string })[];
  remove: () => Promise<void>;
}

const BASE = "/api/v1/warehouse";

export async function warehouseJson<T>(method: string, path: string, body: unknown, expectedStatus: number): Promise<T> {
  const response = await adminFetch(`${BASE}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (response.status !== expectedStatus) throw new Error(`${method} ${BASE}${path} answered ${response.status}, expected ${expectedStatus}: ${text}`);
  return JSON.parse(text) as T;
}

export async function startSync(sourceId: string, options: { full?: boolean } = {}): Promise<Sync> {
  const { sync } = await warehouseJson<{ sync: Sync }>("POST", "/syncs", { sourceId, ...options }, 201);
  return sync;
}

export async function getSync(id: string): Promise<Sync> {
  const { sync } = await warehouseJson<{ sync: Sync }>("GET", `/syncs/${encodeURIComponent(id)}`, undefined, 200);
  return sync;
}

/**
 * Runs a sync that starts after this call, and waits for its end; a failed sync throws with its
 * `error`, so the test says why. A source's running sync answers a new request, and one started
 * earlier (by a deletion regulation, or the schedule) may not have seen what the test just did:
 * it is waited out, and a sync asked for again. Any sync created after the first request will do,
 * such as the one the source queued behind the running sync for that request.
 */
export async function runSync(sourceId: string, options: { full?: boolean } = {}): Promise<Sync> {
  const requestedAt = Date.now();
  const seen: string[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    const started = await startSync(sourceId, options);
    const ended = await waitUntil(
      `sync ${started.id} of source ${sourceId} to end`,
      () => getSync(started.id),
      (sync) => sync.status !== "running",
      {
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );
    seen.push(`${ended.id} (created ${ended.createdAt}, ${ended.status})`);
    if (Date.parse(started.createdAt) < requestedAt) continue;
    if (ended.status !== "succeeded") throw new Error(`sync ${ended.id} of source ${sourceId} ended ${ended.status}: ${ended.error ?? "(no error given)"}`);
    return ended;
  }
  throw new Error(
    `every sync of source ${sourceId} answered was created before the first request at ${new Date(requestedAt).toISOString()}: ${seen.join(", ")}`,
  );
}

export async function listFiles(sourceId: string): Promise<WarehouseFile[]> {
  const { files } = await warehouseJson<{ files: WarehouseFile[] }>("GET", `/files?sourceId=${encodeURIComponent(sourceId)}`, undefined, 200);
  return files;
}

/** One file's download; the key goes into the path as it is (`warehouse/<slug>/<table>/dt=…/HH-NNN.parquet`). */
export function downloadFile(key: string): Promise<Response> {
  return adminFetch(`${BASE}/files/${key}`);
}

export async function getWarehouseSource(sourceId: string): Promise<WarehouseSource> {
  const { source } = await warehouseJson<{ source: WarehouseSource }>("GET", `/sources/${encodeURIComponent(sourceId)}`, undefined, 200);
  return source;
}

export async function updateWarehouseSource(
  sourceId: string,
  changes: Partial<Pick<WarehouseSource, "slug" | "excludedEvents" | "excludedProperties">>,
): Promise<WarehouseSource> {
  const { source } = await warehouseJson<{ source: WarehouseSource }>("PUT", `/sources/${encodeURIComponent(sourceId)}`, changes, 200);
  return source;
}

/**
 * Downloads every file the files API lists for `sourceId` into a fresh temporary directory, at its
 * key's path, checking each answer against its listing (status, content type, size).
 */
export async function downloadWarehouse(sourceId: string): Promise<WarehouseCopy> {
  const listed = await listFiles(sourceId);
  const temp = await makeTempDir();
  const files: WarehouseCopy["files"] = [];
  for (const file of [...listed].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    // Keys come from the server, but they become local paths: nothing may climb out of the copy.
    if (!/^warehouse\/[a-z0-9_]+(\/[A-Za-z0-9_=.-]+)+\.parquet$/.test(file.key) || file.key.includes(".."))
      throw new Error(`the files API listed ${JSON.stringify(file.key)}, which is not a warehouse/<slug>/<table>/….parquet key`);
    const response = await downloadFile(file.key);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`GET ${BASE}/files/${file.key} answered ${response.status}: ${new TextDecoder().decode(bytes)}`);
    const type = response.headers.get("Content-Type") ?? "";
    if (!type.startsWith("application/vnd.apache.parquet")) throw new Error(`GET ${BASE}/files/${file.key} answered Content-Type ${type}`);
    if (bytes.length !== file.bytes) throw new Error(`${file.key} is ${bytes.length} bytes, the listing says ${file.bytes}`);
    await writeObject(temp.dir, file.key, bytes);
    files.push({ ...file, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  return { dir: temp.dir, files, remove: temp.remove };
}
