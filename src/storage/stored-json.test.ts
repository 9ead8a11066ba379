import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseStoredJson, StoredDataError } from "./stored-json";

describe("parseStoredJson", () => {
  const ids = z.array(z.string());

  it("answers what the schema reads from the stored text", () => {
    expect(parseStoredJson(ids, '["a","b"]', "destinations.source_ids of d1")).toEqual(["a", "b"]);
  });

  it("fails loudly, naming where the row is and what is wrong", () => {
    expect(() => parseStoredJson(ids, '["a",2]', "destinations.source_ids of d1")).toThrow(StoredDataError);
    expect(() => parseStoredJson(ids, '["a",2]', "destinations.source_ids of d1")).toThrow(/stored destinations\.source_ids of d1 is not readable: 1: /);
    expect(() => parseStoredJson(ids, "{not json", "replays.destination_ids of r1")).toThrow(/replays\.destination_ids of r1 is not readable: not JSON/);
  });
});
