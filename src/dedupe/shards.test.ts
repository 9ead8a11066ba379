import { describe, expect, it } from "vitest";
import { DEDUPE_SHARD_COUNT, dedupeShardName, shardForMessageId } from "./shards";

describe("dedupe shards", () => {
  it("maps a messageId to the same shard every time", () => {
    expect(shardForMessageId("ajs-next-1234")).toBe(shardForMessageId("ajs-next-1234"));
    expect(dedupeShardName("default", 7)).toBe("default-dedupe-07");
  });

  it("keeps its layout: the same id finds the same shard after a deploy", () => {
    expect(shardForMessageId("ajs-next-1234")).toBe(10);
    expect(shardForMessageId(crypto.randomUUID())).toBeLessThan(DEDUPE_SHARD_COUNT);
  });
});
