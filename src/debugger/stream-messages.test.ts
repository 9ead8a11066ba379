import { describe, expect, it } from "vitest";
import type { DebuggerEntry } from "./entry";
import { streamMessages, type StreamMessage } from "./stream-messages";

const entry = (id: string): DebuggerEntry => ({
  id,
  messageId: id,
  sourceId: "s",
  receivedAt: "2026-01-01T00:00:00.000Z",
  kind: "accepted",
  event: {},
  journey: {},
});

describe("streamMessages", () => {
  it("packs entries in order into messages under the size bound", () => {
    const messages = streamMessages(
      ["a", "b", "c", "d", "e"].map((id) => ({ entry: entry(id), bytes: 40 })),
      100,
    );
    expect(messages.map((text) => (JSON.parse(text) as StreamMessage).entries.map(({ id }) => id))).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("sends nothing for nothing", () => {
    expect(streamMessages([])).toEqual([]);
  });
});
