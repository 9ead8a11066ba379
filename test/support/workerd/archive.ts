import { env } from "cloudflare:workers";
import { readNdjsonGzipLines } from "../../../src/archive/ndjson";
import type { AcceptedEvent } from "../../../src/spec/accepted-event";
import { waitUntil } from "../wait-until";

/** Every archived event of a source, read straight from R2, with the key of its object. */
export async function readArchivedEvents(sourceId: string): Promise<{ key: string; event: AcceptedEvent }[]> {
  const found: { key: string; event: AcceptedEvent }[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: `archive/${sourceId}/`, cursor });
    for (const object of page.objects) {
      const body = await env.ARCHIVE.get(object.key);
      for await (const line of readNdjsonGzipLines(body!.body as ReadableStream<Uint8Array>))
        found.push({ key: object.key, event: JSON.parse(line) as AcceptedEvent });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return found;
}

/** Waits until a source's archive holds at least `count` events and returns them; throws on timeout. */
export function waitForArchived(sourceId: string, count: number, timeoutMs = 20_000) {
  return waitUntil(
    `${count} archived events of source ${sourceId}`,
    () => readArchivedEvents(sourceId),
    (events) => events.length >= count,
    {
      timeoutMs,
      describe: (events) => `${events.length} events: ${events.map(({ event }) => event.messageId).join(", ")}`,
    },
  );
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
