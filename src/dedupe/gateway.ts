import { dedupeShardName, shardForMessageId } from "./shards";
import type { CheckVerdict, CommitEntry, CommitVerdict, DedupeEntry } from "./verdicts";

/** What the pipeline needs of one shard (the DedupeObject's RPC surface). */
export interface DedupeShard {
  check(entries: DedupeEntry[]): Promise<CheckVerdict[]>;
  commit(shardName: string, entries: CommitEntry[]): Promise<CommitVerdict[]>;
}

export interface DedupeGateway {
  check(entries: DedupeEntry[]): Promise<CheckVerdict[]>;
  commit(entries: CommitEntry[]): Promise<CommitVerdict[]>;
}

/**
 * Routes a batch's entries to their shards, one call per shard in parallel. A shard that fails
 * marks only its own entries `failed`, so one unreachable shard retries only the messages that
 * touched it.
 */
export function createDedupeGateway(getShard: (name: string) => DedupeShard, spaceId: string): DedupeGateway {
  async function perShard<T, V>(
    items: readonly T[],
    messageIdOf: (item: T) => string,
    call: (shard: DedupeShard, name: string, items: T[]) => Promise<V[]>,
  ): Promise<(V | "failed")[]> {
    const byShard = new Map<string, number[]>();
    items.forEach((item, index) => {
      const name = dedupeShardName(spaceId, shardForMessageId(messageIdOf(item)));
      const indexes = byShard.get(name);
      if (indexes) indexes.push(index);
      else byShard.set(name, [index]);
    });
    const verdicts = new Array<V | "failed">(items.length).fill("failed");
    await Promise.all(
      [...byShard].map(async ([name, indexes]) => {
        try {
          const results = await call(
            getShard(name),
            name,
            indexes.map((i) => items[i]!),
          );
          indexes.forEach((itemIndex, resultIndex) => (verdicts[itemIndex] = results[resultIndex]!));
        } catch (error) {
          console.error(`dedupe shard ${name} failed`, error);
        }
      }),
    );
    return verdicts;
  }

  return {
    check: (entries) =>
      perShard<DedupeEntry, CheckVerdict>(
        entries,
        (e) => e.messageId,
        (shard, _name, part) => shard.check(part),
      ),
    commit: (entries) =>
      perShard<CommitEntry, CommitVerdict>(
        entries,
        (e) => e.event.messageId,
        (shard, name, part) => shard.commit(name, part),
      ),
  };
}
