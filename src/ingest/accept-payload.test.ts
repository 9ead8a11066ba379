import { describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error";
import { acceptBatch } from "./accept-payload";

const facts = { receivedAt: new Date("2026-01-01T00:00:00.000Z"), sourceId: "src_1" };
let counter = 0;
const newMessageId = () => `m${++counter}`;
const track = { type: "track", userId: "u", event: "Clicked" };

describe("acceptBatch", () => {
  it("refuses a batch-level context or integrations with a __proto__ key, naming it: it merges into every event", () => {
    for (const [text, field] of [
      ['{"batch":[], "context":{"__proto__":{"ip":"203.0.113.9"}}}', "context.__proto__"],
      ['{"batch":[], "integrations":{"All":{"__proto__":{}}}}', "integrations.All.__proto__"],
    ] as const) {
      const body = JSON.parse(text) as { batch: unknown[] };
      body.batch.push(track);
      expect(() => acceptBatch(body, facts, newMessageId), text).toThrow(ApiError);
      try {
        acceptBatch(body, facts, newMessageId);
      } catch (error) {
        expect(error).toMatchObject({ status: 400, field });
      }
    }
  });

  it("refuses a batch-level context nested past the event depth limit", () => {
    const context: unknown = JSON.parse(`{"deep":${"[".repeat(99)}${"]".repeat(99)}}`);
    expect(() => acceptBatch({ batch: [track], context }, facts, newMessageId)).toThrow(/more than 100 levels deep/);
  });

  it("accepts the valid neighbours of an event with a __proto__ key and lists it by index", () => {
    const hostile: unknown = JSON.parse('{"type":"track","userId":"u","event":"E","properties":{"__proto__":{"admin":true}}}');
    const { events, rejected } = acceptBatch({ batch: [track, hostile, track] }, facts, newMessageId);
    expect(events).toHaveLength(2);
    expect(rejected).toEqual([{ index: 1, field: "properties.__proto__", message: expect.stringContaining("__proto__") as string }]);
  });

  it("refuses an event nested too deep before measuring its size, which would overflow JSON.stringify", () => {
    const deep: unknown = JSON.parse(`{"type":"track","userId":"u","event":"E","properties":{"a":${"[".repeat(30_000)}${"]".repeat(30_000)}}}`);
    const { rejected } = acceptBatch({ batch: [deep, track] }, facts, newMessageId);
    expect(rejected).toEqual([{ index: 0, field: "properties.a", message: expect.stringMatching(/more than 100 levels deep/) as string }]);
  });
});
