import { archiveKey } from "../archive/archive-key";

export type OutboxRow = {
  seq: number;
  sourceId: string;
  partition: string;
  timestamp: string;
  body: string;
};

export interface ArchiveObjectPlan {
  key: string;
  lines: string[];
}

/**
 * Groups an outbox slice into one archive object per source-hour. Keys carry the flush id
 * (shard + first sequence number), so re-running an interrupted flush overwrites the same
 * objects with the same lines instead of writing the events twice.
 */
export function planArchiveObjects(rows: readonly OutboxRow[], flushId: string): ArchiveObjectPlan[] {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const key = archiveKey(row.sourceId, row.partition, flushId);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups].map(([key, group]) => ({
    key,
    lines: group.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.seq - b.seq)).map((row) => row.body),
  }));
}

export function flushIdFor(shardName: string, firstSeq: number): string {
  return `${shardName}-${String(firstSeq).padStart(12, "0")}`;
}
