/**
 * R2 archive layout (DESIGN.md, a contract users and tools rely on):
 * `archive/<sourceId>/<YYYY-MM-DD>/<HH>/<unique>.ndjson.gz`, partitioned by `receivedAt` in UTC
 * because that is the server's clock: client timestamps can lie or be days late.
 */
export const ARCHIVE_PREFIX = "archive/";

/** `YYYY-MM-DD/HH` of an ISO instant, in UTC. */
export function hourPartition(isoInstant: string): string {
  const iso = new Date(isoInstant).toISOString();
  return `${iso.slice(0, 10)}/${iso.slice(11, 13)}`;
}

export function archiveKey(sourceId: string, partition: string, unique: string): string {
  return `${ARCHIVE_PREFIX}${sourceId}/${partition}/${unique}.ndjson.gz`;
}

export function sourcePrefix(sourceId: string): string {
  return `${ARCHIVE_PREFIX}${sourceId}/`;
}

/** The `YYYY-MM-DD/HH` partition a key belongs to, or undefined for keys outside the layout. */
export function partitionOfKey(key: string): string | undefined {
  return /^archive\/[^/]+\/(\d{4}-\d{2}-\d{2}\/\d{2})\//.exec(key)?.[1];
}

/** The source an archive key belongs to, or undefined for keys outside the layout. */
export function sourceOfKey(key: string): string | undefined {
  return /^archive\/([^/]+)\//.exec(key)?.[1];
}

/**
 * The list prefixes that cover `[from, to)` for one source: one per UTC day, so a month-long
 * range costs thirty list calls rather than a scan of the whole source.
 */
export function dayPrefixes(sourceId: string, from: Date, to: Date): string[] {
  const prefixes: string[] = [];
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (day < to) {
    prefixes.push(`${sourcePrefix(sourceId)}${day.toISOString().slice(0, 10)}/`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return prefixes;
}

/** Whether a partition `YYYY-MM-DD/HH` can hold instants in `[from, to)`. */
export function partitionOverlaps(partition: string, from: Date, to: Date): boolean {
  const start = Date.parse(`${partition.replace("/", "T")}:00:00.000Z`);
  return start < to.getTime() && start + 3_600_000 > from.getTime();
}
