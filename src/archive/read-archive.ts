import { z } from "zod";
import { ARCHIVE_PREFIX, dayPrefixes, partitionOfKey, partitionOverlaps, sourcePrefix } from "./archive-key";
import { readNdjsonGzipLines } from "./ndjson";

const archivedStamp = z.object({ receivedAt: z.string() });

export interface ArchiveQuery {
  /** Sources to read; all sources when empty. */
  sourceIds: string[];
  /** Inclusive lower bound on `receivedAt`. */
  from?: Date;
  /** Exclusive upper bound on `receivedAt`. */
  to?: Date;
}

/** Archive object keys for a query, in partition order, listed page by page. */
export async function* listArchiveKeys(bucket: R2Bucket, query: ArchiveQuery): AsyncGenerator<string> {
  const from = query.from ?? new Date(0);
  const to = query.to ?? new Date(8.64e15);
  const prefixes = query.sourceIds.length === 0 ? [ARCHIVE_PREFIX] : query.sourceIds.flatMap((id) => prefixesFor(id, query));

  for (const prefix of prefixes) {
    for await (const { key } of listPrefix(bucket, prefix)) {
      const partition = partitionOfKey(key);
      if (partition && partitionOverlaps(partition, from, to)) yield key;
    }
  }
}

/**
 * Every object under `prefix`, in key order, page by page: key, stored size, and the number of
 * events when the writer recorded it (`customMetadata.events`, set by every archive flush).
 */
export async function* listPrefix(bucket: R2Bucket, prefix: string): AsyncGenerator<{ key: string; size: number; events?: number }> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, include: ["customMetadata"] });
    for (const object of page.objects) {
      const events = Number(object.customMetadata?.events);
      yield { key: object.key, size: object.size, ...(Number.isInteger(events) && events >= 0 ? { events } : {}) };
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/** The archived events of a query as an NDJSON stream, filtered to `receivedAt` in range. */
export function streamArchive(bucket: R2Bucket, query: ArchiveQuery): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const from = query.from?.getTime() ?? -Infinity;
  const to = query.to?.getTime() ?? Infinity;
  const keys = listArchiveKeys(bucket, query);

  async function* lines(): AsyncGenerator<string> {
    for await (const key of keys) {
      const object = await bucket.get(key);
      if (!object) continue; // removed between list and get (a deletion ran): nothing to read
      // workers-types declares R2 bodies as ReadableStream<any>; they are bytes.
      for await (const line of readNdjsonGzipLines(object.body as ReadableStream<Uint8Array>)) {
        // Every archived line carries receivedAt (ingest sets it); one without is outside any range.
        const stamped = archivedStamp.safeParse(JSON.parse(line));
        const receivedAt = stamped.success ? Date.parse(stamped.data.receivedAt) : NaN;
        if (receivedAt >= from && receivedAt < to) yield line;
      }
    }
  }
  const iterator = lines();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value + "\n"));
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
}

/** Day prefixes when the range is short enough to be worth it, else the whole source. */
function prefixesFor(sourceId: string, query: ArchiveQuery): string[] {
  if (!query.from) return [sourcePrefix(sourceId)];
  const to = query.to ?? new Date(Date.now() + 86_400_000);
  const days = (to.getTime() - query.from.getTime()) / 86_400_000;
  return days <= MAX_DAY_PREFIXES ? dayPrefixes(sourceId, query.from, to) : [sourcePrefix(sourceId)];
}

const MAX_DAY_PREFIXES = 92;

/** Every line of an archive object's body (gzip NDJSON). */
export async function linesOf(object: R2ObjectBody): Promise<string[]> {
  const lines: string[] = [];
  // workers-types declares R2 bodies as ReadableStream<any>; they are bytes.
  for await (const line of readNdjsonGzipLines(object.body as ReadableStream<Uint8Array>)) lines.push(line);
  return lines;
}

/** An archive object's lines, or null when it is gone (retention or a deletion removed it). */
export async function readArchiveLines(bucket: R2Bucket, key: string): Promise<string[] | null> {
  const object = await bucket.get(key);
  return object ? linesOf(object) : null;
}
