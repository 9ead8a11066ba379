import { env } from "cloudflare:workers";
import { readNdjsonGzipLines } from "../../../src/archive/ndjson";
import type { AcceptedEvent } from "../../../src/spec/accepted-event";

/** Every archived event of a source, read straight from R2, with the key of its object. */
export async function readArchivedEvents(sourceId: string): Promise<{ key: string; event: AcceptedEvent }[]> {
  const found: { key: string; event: AcceptedEvent }[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: `archive/${sourceId}/`, cursor });
    for (const object of page.objects) {
      const body = await env.ARCHIVE.get(object.key);
      for await (const line of readNdjsonGzipLines(body!.body)) found.push({ key: object.key, event: JSON.parse(line) });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return found;
}

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until a source's archive holds `count` events (or the timeout passes) and returns them. */
export function waitForArchived(sourceId: string, count: number, timeoutMs = 20_000) {
  return waitFor(() => readArchivedEvents(sourceId), (events) => events.length >= count, timeoutMs);
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
