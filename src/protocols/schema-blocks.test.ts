import { describe, expect, it } from "vitest";
import { applySchemaBlocks, setBlocked } from "./schema-blocks";

describe("applySchemaBlocks", () => {
  const blocks = {
    events: [
      { type: "track" as const, name: "Page Viewed" },
      { type: "track" as const, name: "Spam" },
    ],
    traits: [{ type: "identify" as const, name: "ssn" }],
  };

  it("blocks events by their schema name: every page call is Page Viewed", () => {
    expect(applySchemaBlocks({ type: "page", name: "Home" }, blocks).blocked).toBe(true);
    expect(applySchemaBlocks({ type: "track", event: "Spam" }, blocks).blocked).toBe(true);
    expect(applySchemaBlocks({ type: "track", event: "spam" }, blocks).blocked).toBe(false);
  });

  it("drops blocked traits and says so in context.protocols.omitted", () => {
    const { event, blocked } = applySchemaBlocks({ type: "identify", userId: "u", traits: { ssn: "1", plan: "pro" }, context: { ip: "1.2.3.4" } }, blocks);
    expect(blocked).toBe(false);
    expect(event).toEqual({ type: "identify", userId: "u", traits: { plan: "pro" }, context: { ip: "1.2.3.4", protocols: { omitted: ["ssn"] } } });
    expect(applySchemaBlocks({ type: "group", groupId: "g", traits: { ssn: "1" } }, blocks).event.traits).toEqual({ ssn: "1" });
  });

  it("adds and removes entries without duplicates", () => {
    const once = setBlocked([], { type: "track", name: "A" }, true);
    expect(setBlocked(once, { type: "track", name: "A" }, true)).toEqual([{ type: "track", name: "A" }]);
    expect(setBlocked(once, { type: "track", name: "A" }, false)).toEqual([]);
  });
});
