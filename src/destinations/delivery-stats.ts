import { chunked, type Row } from "../d1/chunked";

/** Latency histogram bucket upper bounds (ms); the last catches everything slower. */
const LATENCY_BUCKETS_MS = [50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000, 3_600_000, Number.MAX_SAFE_INTEGER];

export interface DeliveryCounts {
  destinationId: string;
  outcome: string;
  count: number;
}

/** Records a consumer batch's outcomes and latencies: one upsert per destination, outcome and bucket. */
export async function recordDeliveryStats(
  db: D1Database,
  counts: readonly DeliveryCounts[],
  latencies: ReadonlyMap<string, readonly number[]>,
  now: Date,
): Promise<void> {
  const hour = now.toISOString().slice(0, 13);
  const folded = new Map<string, Row>();
  for (const { destinationId, outcome, count } of counts) {
    if (count === 0) continue;
    const key = `${destinationId}\u0000${outcome}`;
    const row = folded.get(key);
    if (row) row[3] = Number(row[3]) + count;
    else folded.set(key, [destinationId, hour, outcome, count]);
  }
  const buckets = new Map<string, Row>();
  for (const [destinationId, values] of latencies) {
    for (const value of values) {
      const bucket = LATENCY_BUCKETS_MS.find((bound) => value <= bound)!;
      const key = `${destinationId}\u0000${bucket}`;
      const row = buckets.get(key);
      if (row) row[3] = Number(row[3]) + 1;
      else buckets.set(key, [destinationId, hour, bucket, 1]);
    }
  }
  const statements = [
    ...chunked(
      db,
      [...folded.values()],
      (values) => `INSERT INTO delivery_stats (destination_id, hour, outcome, count) VALUES ${values}
      ON CONFLICT (destination_id, hour, outcome) DO UPDATE SET count = count + excluded.count`,
    ),
    ...chunked(
      db,
      [...buckets.values()],
      (values) => `INSERT INTO delivery_latency (destination_id, hour, bucket_ms, count) VALUES ${values}
      ON CONFLICT (destination_id, hour, bucket_ms) DO UPDATE SET count = count + excluded.count`,
    ),
  ];
  if (statements.length > 0) await db.batch(statements);
}

export interface DeliveryMetrics {
  delivered: number;
  failed: number;
  /** Events waiting for a retry now (Segment's "pending retry"), whenever they first failed. */
  retrying: number;
  /** Retries scheduled in the window, one per event and attempt. */
  retriesScheduled: number;
  discarded: number;
  discardedByReason: Record<string, number>;
  /** The 95th percentile, interpolated inside its histogram bucket; null before any delivery. */
  p95LatencyMs: number | null;
  windowHours: number;
}

/** A destination's metrics over the last `windowHours` hours. */
export async function readDeliveryMetrics(db: D1Database, destinationId: string, now: Date, windowHours = 24): Promise<DeliveryMetrics> {
  return (await readMetrics(db, now, windowHours, destinationId)).get(destinationId) ?? emptyDeliveryMetrics(windowHours);
}

/** Every destination's metrics over the last `windowHours` hours in one round trip (a destination with no rows is absent). */
export function readAllDeliveryMetrics(db: D1Database, now: Date, windowHours = 24): Promise<Map<string, DeliveryMetrics>> {
  return readMetrics(db, now, windowHours);
}

export const emptyDeliveryMetrics = (windowHours = 24): DeliveryMetrics => ({
  delivered: 0,
  failed: 0,
  retrying: 0,
  retriesScheduled: 0,
  discarded: 0,
  discardedByReason: {},
  p95LatencyMs: null,
  windowHours,
});

interface MetricsRow {
  destination_id: string;
  count: number;
  outcome?: string;
  bucket_ms?: number;
}

async function readMetrics(db: D1Database, now: Date, windowHours: number, destinationId?: string): Promise<Map<string, DeliveryMetrics>> {
  const since = new Date(now.getTime() - (windowHours - 1) * 3_600_000).toISOString().slice(0, 13);
  // One destination's rows, or every destination's: the same statements either way.
  const where = (condition: string) => (destinationId === undefined ? condition : `destination_id = ? AND ${condition}`);
  const query = (sql: string, ...values: string[]) => db.prepare(sql).bind(...(destinationId === undefined ? values : [destinationId, ...values]));
  const [outcomes, latency, pending] = await db.batch<MetricsRow>([
    query(
      `SELECT destination_id, outcome, SUM(count) AS count FROM delivery_stats WHERE ${where("hour >= ? AND outcome != 'retrying'")} GROUP BY destination_id, outcome`,
      since,
    ),
    query(
      `SELECT destination_id, bucket_ms, SUM(count) AS count FROM delivery_latency WHERE ${where("hour >= ?")} GROUP BY destination_id, bucket_ms ORDER BY bucket_ms`,
      since,
    ),
    // A balance, so summed over all time: a retry scheduled before the window may end inside it.
    query(`SELECT destination_id, SUM(count) AS count FROM delivery_stats WHERE ${where("outcome = 'retrying'")} GROUP BY destination_id`),
  ]);
  const all = new Map<string, DeliveryMetrics>();
  const metricsOf = (id: string) => {
    let metrics = all.get(id);
    if (!metrics) all.set(id, (metrics = emptyDeliveryMetrics(windowHours)));
    return metrics;
  };
  // Never below zero: a redelivered message can take its events off the balance twice.
  for (const { destination_id, count } of pending!.results) metricsOf(destination_id).retrying = Math.max(0, count);
  for (const { destination_id, outcome, count } of outcomes!.results) {
    const metrics = metricsOf(destination_id);
    if (outcome === "delivered" || outcome === "failed") metrics[outcome] += count;
    else if (outcome === "retry-scheduled") metrics.retriesScheduled += count;
    else if (outcome?.startsWith("discarded:")) {
      metrics.discarded += count;
      const reason = outcome.slice("discarded:".length);
      metrics.discardedByReason[reason] = (metrics.discardedByReason[reason] ?? 0) + count;
    }
  }
  const histograms = new Map<string, { bucket_ms: number; count: number }[]>();
  for (const { destination_id, bucket_ms, count } of latency!.results) {
    let rows = histograms.get(destination_id);
    if (!rows) histograms.set(destination_id, (rows = []));
    rows.push({ bucket_ms: bucket_ms!, count });
  }
  for (const [id, rows] of histograms) metricsOf(id).p95LatencyMs = histogramQuantile(rows, 0.95);
  return all;
}

/**
 * A quantile of a latency histogram (rows of LATENCY_BUCKETS_MS by upper bound, ascending),
 * assuming deliveries spread evenly inside their bucket; null when empty, or when the quantile
 * lies past the last finite bound (over an hour).
 */
export function histogramQuantile(buckets: readonly { bucket_ms: number; count: number }[], quantile: number): number | null {
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  if (total === 0) return null;
  const rank = total * quantile;
  let seen = 0;
  for (const { bucket_ms: upper, count } of buckets) {
    if (count > 0 && seen + count >= rank) {
      if (upper === Number.MAX_SAFE_INTEGER) return null;
      // The bucket's own lower bound, not the previous bucket present: empty buckets have no row.
      const lower = LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.indexOf(upper) - 1] ?? 0;
      return Math.round(lower + ((rank - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return null;
}

/** One hour of a destination's deliveries (the console's chart). */
export interface DeliveryHour {
  /** `YYYY-MM-DDTHH`, UTC. */
  hour: string;
  delivered: number;
  failed: number;
  discarded: number;
}

/** A destination's outcomes per hour over the last `hours` hours, oldest first, hours without deliveries as zeros. */
export async function readDeliveryHours(db: D1Database, destinationId: string, now: Date, hours = 24): Promise<DeliveryHour[]> {
  const first = new Date(now.getTime() - (hours - 1) * 3_600_000).toISOString().slice(0, 13);
  const { results } = await db
    .prepare("SELECT hour, outcome, SUM(count) AS count FROM delivery_stats WHERE destination_id = ? AND hour >= ? GROUP BY hour, outcome")
    .bind(destinationId, first)
    .all<{ hour: string; outcome: string; count: number }>();
  return foldDeliveryHours(results, now, hours);
}

/** Rows of `delivery_stats` folded into one entry per hour of the window ending at `now`. */
export function foldDeliveryHours(rows: readonly { hour: string; outcome: string; count: number }[], now: Date, hours: number): DeliveryHour[] {
  const byHour = new Map<string, DeliveryHour>();
  for (let index = hours - 1; index >= 0; index--) {
    const hour = new Date(now.getTime() - index * 3_600_000).toISOString().slice(0, 13);
    byHour.set(hour, { hour, delivered: 0, failed: 0, discarded: 0 });
  }
  for (const { hour, outcome, count } of rows) {
    const entry = byHour.get(hour);
    if (!entry) continue;
    if (outcome === "delivered" || outcome === "failed") entry[outcome] += count;
    else if (outcome.startsWith("discarded:")) entry.discarded += count;
  }
  return [...byHour.values()];
}
