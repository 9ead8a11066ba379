import { partitionOfKey, sourcePrefix } from "../../archive/archive-key";

/** One archive object, as a sync sees it: its etag changes when a deletion rewrites it. */
export interface ArchiveObject {
  key: string;
  etag: string;
  /** When it was written: the `uuid_ts` of its rows (the same object always loads the same rows). */
  uploaded: Date;
}

/** The archive objects under `prefix`, page by page, in key order (R2 lists keys in lexicographic order). */
async function* listObjects(bucket: R2Bucket, prefix: string): AsyncGenerator<ArchiveObject> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    for (const object of page.objects) yield { key: object.key, etag: object.etag, uploaded: object.uploaded };
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/** A source's archive objects grouped by hour (`YYYY-MM-DD/HH`), each hour's in key order. */
export async function listArchiveHours(bucket: R2Bucket, sourceId: string): Promise<Map<string, ArchiveObject[]>> {
  const hours = new Map<string, ArchiveObject[]>();
  for await (const object of listObjects(bucket, sourcePrefix(sourceId))) {
    const hour = partitionOfKey(object.key);
    if (!hour) continue;
    const objects = hours.get(hour) ?? [];
    objects.push(object);
    hours.set(hour, objects);
  }
  return hours;
}

/** One hour's archive objects, in key order. */
export async function listArchiveHour(bucket: R2Bucket, sourceId: string, hour: string): Promise<ArchiveObject[]> {
  const objects: ArchiveObject[] = [];
  for await (const object of listObjects(bucket, `${sourcePrefix(sourceId)}${hour}/`)) objects.push(object);
  return objects;
}

/**
 * What an hour's files are written from: its objects (key and etag), and the source's slug and
 * selective sync. The same fingerprint gives the same files, so a sync skips the hour; any change
 * (a late object, a deletion's rewrite, new settings) makes it write the hour again.
 */
export async function hourFingerprint(objects: readonly ArchiveObject[], settings: unknown): Promise<string> {
  const text = JSON.stringify([settings, objects.map((object) => [object.key, object.etag])]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The hours a sync must do: each listed hour whose fingerprint differs from the one it was
 * written from (all of them when `full`), and each written hour no longer in the archive
 * (retention or a deletion removed it: its files go too), with a null fingerprint.
 */
export function planHours(
  listed: ReadonlyMap<string, string>,
  written: ReadonlyMap<string, string>,
  full: boolean,
): { hour: string; fingerprint: string | null }[] {
  const plan: { hour: string; fingerprint: string | null }[] = [];
  for (const [hour, fingerprint] of listed) if (full || written.get(hour) !== fingerprint) plan.push({ hour, fingerprint });
  for (const hour of written.keys()) if (!listed.has(hour)) plan.push({ hour, fingerprint: null });
  return plan.sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0));
}
