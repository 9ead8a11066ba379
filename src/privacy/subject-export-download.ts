import { exportHeader } from "./export-runner";
import type { SubjectExport } from "./subject-export-store";

/** Where an export's parts live in R2 (the archive bucket, outside `archive/`). */
export const exportPrefix = (exportId: string) => `subject-exports/${exportId}/`;
export const exportPartKey = (exportId: string, name: string) => `${exportPrefix(exportId)}${name}`;

/** Every part of an export (a deletion takes the person's exports with it). */
export async function deleteExportParts(bucket: R2Bucket, exportId: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix: exportPrefix(exportId), ...(cursor ? { cursor } : {}) });
    if (listed.objects.length > 0) await bucket.delete(listed.objects.map((object) => object.key));
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
}

/** The whole export as one NDJSON stream: the header line, then every part in name order, read one at a time. */
export function streamExport(bucket: R2Bucket, subject: SubjectExport, now: Date): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield encoder.encode(exportHeader(subject, now));
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const listed = await bucket.list({ prefix: exportPrefix(subject.id), ...(cursor ? { cursor } : {}) });
      keys.push(...listed.objects.map((object) => object.key));
      cursor = listed.truncated ? listed.cursor : undefined;
    } while (cursor);
    for (const key of keys.sort()) {
      const object = await bucket.get(key);
      if (!object) continue;
      // workers-types declares R2 bodies as ReadableStream<any>; they are bytes.
      for await (const chunk of object.body as ReadableStream<Uint8Array>) yield chunk;
    }
  }
  const iterator = chunks();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next: IteratorResult<Uint8Array> = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}
