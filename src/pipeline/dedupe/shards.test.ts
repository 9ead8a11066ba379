import { describe, expect, it } from "vitest";
import { DEDUPE_SHARD_COUNT, dedupeShardName, shardForMessageId } from "./shards";

describe("dedupe shards", () => {
  it("maps a messageId to the same shard every time", () => {
    expect(shardForMessageId("ajs-next-1234")).toBe(shardForMessageId("ajs-next-1234"));
    expect(dedupeShardName("default", 7)).toBe("default-dedupe-07");
  });

  it("spreads ids over every shard, none hot", () => {
    const counts = new Array(DEDUPE_SHARD_COUNT).fill(0);
    for (let i = 0; i < 32_000; i++) counts[shardForMessageId(crypto.randomUUID())]++;
    expect(Math.min(...counts)).toBeGreaterThan(700);
    expect(Math.max(...counts)).toBeLessThan(1300);
  });
});
