import { partitionOfKey } from "../archive/archive-key";

/**
 * Compressed archive bytes a replay reads and sorts at once. An hour holds many objects (one per
 * dedupe shard and flush); they are merged into one timestamp order, unless the hour is bigger
 * than this, when it is ordered in consecutive slices of this size so memory stays bounded
 * (gzip packs JSON about tenfold, and parsed events take more room than their text).
 */
export const MAX_GROUP_BYTES = 1_000_000;

/**
 * The group of each archive object (listed in key order): consecutive objects of the same hour
 * share a group while their sizes add up to at most `maxBytes`.
 */
export function groupArchiveObjects(objects: readonly { key: string; size: number }[], maxBytes = MAX_GROUP_BYTES): number[] {
  const groups: number[] = [];
  let group = -1;
  let partition: string | undefined;
  let bytes = 0;
  for (const object of objects) {
    const current = partitionOfKey(object.key);
    if (group === -1 || current !== partition || bytes + object.size > maxBytes) {
      group += 1;
      partition = current;
      bytes = 0;
    }
    bytes += object.size;
    groups.push(group);
  }
  return groups;
}
