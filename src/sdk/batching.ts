/**
 * Tracking API limits (32 KB per event, 500 KB per batch) and the browser's 64 KB budget for
 * keepalive fetches and beacons, which are what survive a page unload.
 */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 480 * 1024;
export const MAX_KEEPALIVE_BYTES = 60 * 1024;

/** Splits sized items into consecutive batches of at most `maxBytes` and `maxCount`. */
export function splitIntoBatches<T>(items: readonly T[], sizeOf: (item: T) => number, maxBytes: number, maxCount = 100): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item) + 1;
    if (current.length && (bytes + size > maxBytes || current.length >= maxCount)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}
