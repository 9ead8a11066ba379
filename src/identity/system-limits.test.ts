import { describe, expect, it } from "vitest";
import { checkIdentifyTraitCount } from "./system-limits";

const traits = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`trait_${i}`, i]));

describe("checkIdentifyTraitCount", () => {
  it("rejects identify calls with 300 or more traits and says how to fix it", () => {
    expect(checkIdentifyTraitCount({ type: "identify", traits: traits(299) })).toBeUndefined();
    const violation = checkIdentifyTraitCount({ type: "identify", traits: traits(300) });
    expect(violation?.reason).toBe("Identify trait limit exceeded");
    expect(violation?.message).toMatch(/has 300 traits.*Split the traits over several identify calls/);
  });

  it("applies to identify calls only", () => {
    expect(checkIdentifyTraitCount({ type: "group", traits: traits(400) })).toBeUndefined();
    expect(checkIdentifyTraitCount({ type: "identify" })).toBeUndefined();
  });
});
