import { describe, expect, it } from "vitest";
import { readWriteKeyFromAuthorization, readWriteKeyFromBody } from "./write-key";

describe("write key", () => {
  it("reads HTTP Basic as analytics-node sends it", () => {
    expect(readWriteKeyFromAuthorization(`Basic ${btoa("wk_123:")}`)).toBe("wk_123");
    expect(readWriteKeyFromAuthorization(`basic ${btoa("wk_123")}`)).toBe("wk_123");
  });

  it("ignores other schemes and junk", () => {
    expect(readWriteKeyFromAuthorization("Bearer abc")).toBeUndefined();
    expect(readWriteKeyFromAuthorization("Basic !!!")).toBeUndefined();
    expect(readWriteKeyFromAuthorization(`Basic ${btoa(":password")}`)).toBeUndefined();
    expect(readWriteKeyFromAuthorization(null)).toBeUndefined();
  });

  it("reads writeKey from a body", () => {
    expect(readWriteKeyFromBody({ writeKey: "wk" })).toBe("wk");
    expect(readWriteKeyFromBody({ writeKey: 5 })).toBeUndefined();
    expect(readWriteKeyFromBody(null)).toBeUndefined();
  });
});
