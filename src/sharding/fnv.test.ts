import { describe, expect, it } from "vitest";
import { fnv1a, shardName, shardOf } from "./fnv";

describe("FNV-1a sharding", () => {
  it("hashes as FNV-1a 32-bit does (published test vectors)", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("maps a key to the same shard every time", () => {
    expect(shardOf("ajs-next-1234", 32)).toBe(shardOf("ajs-next-1234", 32));
    expect(shardName("default-dedupe", 7)).toBe("default-dedupe-07");
  });

  it("spreads ids over every shard, none hot", () => {
    const counts = new Array<number>(32).fill(0);
    for (let i = 0; i < 32_000; i++) counts[shardOf(crypto.randomUUID(), 32)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(700);
    expect(Math.max(...counts)).toBeLessThan(1300);
  });
});
