// Section `warehouse`: the warehouse's Parquet writer (src/warehouse/parquet) in-process in Node,
// on analytics.js track calls accepted as the edge accepts them, in a 39-column event table
// (bench/lib/warehouse-tracks.ts). Reports rows written per second, Parquet bytes per event against
// the archive's gzip NDJSON of the same events, and the heap an hour of 1,000,000 events takes when
// its rows are appended in chunks (process.memoryUsage(): reported, never asserted). Then the sync's
// own path for that hour (src/warehouse/sync/write-hour.ts): the hour as 200 gzip NDJSON archive
// objects, read twice, mapped to `tracks` and the event's table, and written as their files.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { browserTrack } from "../lib/events.mjs";
import { log, median, ratio, round } from "../lib/stats.mjs";

const ENTRY = fileURLToPath(new URL("../lib/warehouse-tracks.ts", import.meta.url));
/** Events per `/v1/batch` body accepted at once, as analytics.js batches them. */
const REQUEST_EVENTS = 100;
const SAMPLE_EVENTS = 50_000;
const ROUNDS = 5;
/** The most lines the archive writes in one object (FLUSH_MAX_ROWS in workers/dedupe-object.ts): gzip's best case. */
const NDJSON_OBJECT_EVENTS = 5_000;
const HOUR_EVENTS = 1_000_000;
const HOUR_CHUNK_EVENTS = 10_000;
const HOUR_START = Date.UTC(2026, 2, 9, 10);
const MB = 1024 * 1024;

/** The workload module, bundled as the Worker resolves packages (workerd/browser entries, no Node built-ins). */
async function loadWarehouseTracks() {
  const outDir = await mkdtemp(join(tmpdir(), "sluice-bench-warehouse-"));
  try {
    const outfile = join(outDir, "warehouse-tracks.mjs");
    await build({
      entryPoints: [ENTRY],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      target: "es2022",
      outfile,
      logLevel: "error",
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** `count` accepted track calls from index `start`, spread over the hour as 1,000,000 a hour would be. */
function acceptedTracks(lib, start, count) {
  const events = [];
  const lines = [];
  for (let offset = 0; offset < count; offset += REQUEST_EVENTS) {
    const first = start + offset;
    const now = new Date(HOUR_START + Math.floor((first * 3_600_000) / HOUR_EVENTS));
    const batch = Array.from({ length: Math.min(REQUEST_EVENTS, count - offset) }, (_, index) => browserTrack(first + index, `wh-${first + index}`, now));
    const accepted = lib.acceptTracks({ batch, sentAt: now.toISOString() }, now, () => crypto.randomUUID());
    events.push(...accepted.events);
    lines.push(...accepted.lines);
  }
  return { events, lines };
}

function writeFile(lib, columns, rows) {
  const builder = new lib.ParquetFileBuilder(columns);
  builder.appendRows(rows);
  return builder.finish();
}

/** Rows per second of writing `rows` into one file, median of ROUNDS after a warm-up. */
function measureRowsPerSec(lib, columns, rows) {
  writeFile(lib, columns, rows);
  const rates = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    writeFile(lib, columns, rows);
    rates.push(rows.length / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

async function ndjsonGzipBytes(lib, lines) {
  let bytes = 0;
  for (let start = 0; start < lines.length; start += NDJSON_OBJECT_EVENTS)
    bytes += (await lib.encodeNdjsonGzip(lines.slice(start, start + NDJSON_OBJECT_EVENTS))).byteLength;
  return bytes;
}

/**
 * A function that runs a full garbage collection: heapUsed alone counts garbage V8 has not yet
 * collected, which on a roomy heap is most of it. (The bench is not started with --expose-gc.)
 */
function collectGarbage() {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc");
}

/**
 * Writes an hour of HOUR_EVENTS rows in chunks, none kept after it is appended; peak memory over
 * the baseline, sampled after each chunk: raw (live and garbage), and live (after a full GC). The
 * live figure misses what encoding a row group allocates and drops within one call. The file's
 * bytes are an ArrayBuffer outside the JS heap: at most twice hourFileMB more.
 */
function measureHour(lib, columns) {
  const gc = collectGarbage();
  gc();
  const baseline = process.memoryUsage();
  const peak = { heapUsed: 0, liveHeap: 0 };
  const sample = () => {
    peak.heapUsed = Math.max(peak.heapUsed, process.memoryUsage().heapUsed - baseline.heapUsed);
    gc();
    peak.liveHeap = Math.max(peak.liveHeap, process.memoryUsage().heapUsed - baseline.heapUsed);
  };
  const started = performance.now();
  const builder = new lib.ParquetFileBuilder(columns);
  for (let start = 0; start < HOUR_EVENTS; start += HOUR_CHUNK_EVENTS) {
    builder.appendRows(lib.typedTable(acceptedTracks(lib, start, HOUR_CHUNK_EVENTS).events.map(lib.eventTableRow), columns).rows);
    sample();
  }
  const bytes = builder.finish();
  sample();
  return {
    hourRows: builder.rows,
    hourChunkRows: HOUR_CHUNK_EVENTS,
    hourFileMB: round(bytes.byteLength / MB, 1),
    hourPeakHeapGrowthMB: round(peak.heapUsed / MB, 1),
    hourPeakLiveHeapGrowthMB: round(peak.liveHeap / MB, 1),
    hourSecondsWithRowMaking: round((performance.now() - started) / 1000, 1),
  };
}

/**
 * R2 as writeHour uses it (get a body, put bytes), in memory: the bench measures the sync's own
 * work, not the network. Objects are the archive's gzip NDJSON bytes.
 */
function memoryBucket(objects, beforeGet = () => {}) {
  const written = new Map();
  return {
    written,
    get: async (key) => {
      beforeGet();
      return objects.has(key) ? { body: new Blob([objects.get(key)]).stream() } : null;
    },
    put: async (key, bytes) => {
      written.set(key, bytes.byteLength);
    },
  };
}

/**
 * An hour of HOUR_EVENTS tracks through writeHour, as a sync writes an archive hour: events per
 * second from gzip NDJSON to Parquet files (timed on its own), then the live heap's peak growth
 * over the archive objects already in memory, sampled after a full GC each time the sync opens an
 * object (what stays between objects: the open files' row groups and bytes, the column sets).
 */
async function measureSyncHour(lib) {
  const hour = new Date(HOUR_START).toISOString().slice(0, 13).replace("T", "/");
  const objects = new Map();
  for (let start = 0; start < HOUR_EVENTS; start += NDJSON_OBJECT_EVENTS) {
    const { lines } = acceptedTracks(lib, start, NDJSON_OBJECT_EVENTS);
    objects.set(lib.archiveKey("src_bench", hour, `s00-${String(start).padStart(12, "0")}`), await lib.encodeNdjsonGzip(lines));
  }
  const keys = [...objects.keys()].sort().map((key) => ({ key, etag: key, uploaded: new Date(HOUR_START + 3_600_000) }));
  const syncHour = (bucket) => lib.writeHour(bucket, { slug: "bench", hour, objects: keys, selectiveSync: {}, knownColumns: new Map() }, () => {});
  const started = performance.now();
  const written = await syncHour(memoryBucket(objects));
  const seconds = (performance.now() - started) / 1000;

  const gc = collectGarbage();
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = 0;
  await syncHour(
    memoryBucket(objects, () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }),
  );
  return {
    syncHourEvents: HOUR_EVENTS,
    syncHourObjects: objects.size,
    syncHourRows: written.rows,
    syncHourFiles: written.files.length,
    syncHourParquetMB: round(written.files.reduce((sum, file) => sum + file.bytes, 0) / MB, 1),
    syncHourSeconds: round(seconds, 1),
    syncEventsPerSec: Math.round(HOUR_EVENTS / seconds),
    syncHourPeakLiveHeapGrowthMB: round(peak / MB, 1),
  };
}

export async function benchWarehouse() {
  const lib = await loadWarehouseTracks();
  const { events, lines } = acceptedTracks(lib, 0, SAMPLE_EVENTS);
  const { columns, rows } = lib.typedTable(events.map(lib.eventTableRow));

  const warehouseRowsPerSec = measureRowsPerSec(lib, columns, rows);
  const parquetBytes = writeFile(lib, columns, rows).byteLength;
  const ndjsonBytes = await ndjsonGzipBytes(lib, lines);
  log(`warehouse: ${Math.round(warehouseRowsPerSec)} rows/s; ${SAMPLE_EVENTS} events: Parquet ${parquetBytes} B, gzip NDJSON ${ndjsonBytes} B`);

  const hour = measureHour(lib, columns);
  log(
    `warehouse: ${hour.hourRows} rows in one file of ${hour.hourFileMB} MB, heap peak +${hour.hourPeakHeapGrowthMB} MB (live +${hour.hourPeakLiveHeapGrowthMB} MB)`,
  );
  const sync = await measureSyncHour(lib);
  log(
    `warehouse: sync of an hour of ${sync.syncHourEvents} events in ${sync.syncHourObjects} archive objects: ${sync.syncHourSeconds} s (${sync.syncEventsPerSec} events/s), ${sync.syncHourRows} rows in ${sync.syncHourFiles} files, live heap peak +${sync.syncHourPeakLiveHeapGrowthMB} MB`,
  );
  return {
    columns: columns.length,
    rowGroupSize: lib.DEFAULT_ROW_GROUP_SIZE,
    sampleEvents: SAMPLE_EVENTS,
    warehouseRowsPerSec: Math.round(warehouseRowsPerSec),
    parquetBytesPerEvent: round(parquetBytes / SAMPLE_EVENTS, 1),
    ndjsonGzipBytesPerEvent: round(ndjsonBytes / SAMPLE_EVENTS, 1),
    ndjsonGzipEventsPerObject: NDJSON_OBJECT_EVENTS,
    parquetVsNdjsonGzipBytesRatio: ratio(parquetBytes, ndjsonBytes, 3),
    ...hour,
    ...sync,
  };
}
