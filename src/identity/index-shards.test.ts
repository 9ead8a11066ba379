import { describe, expect, it } from "vitest";
import { identityShardName, indexKey } from "./index-shards";

describe("identity index shards", () => {
  it("names a key's shard by space and collection, the same after every deploy", () => {
    expect(identityShardName("default", "users", indexKey("users", "user_id:abc"))).toBe("default-identity-users-03");
  });
});
