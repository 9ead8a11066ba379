import { describe, expect, it } from "vitest";
import { groupArchiveObjects } from "./replay-groups";

const key = (hour: string, unique: string) => `archive/src/2026-03-14/${hour}/${unique}.ndjson.gz`;

describe("groupArchiveObjects", () => {
  it("puts an hour's objects in one group, and a new hour in the next", () => {
    expect(
      groupArchiveObjects([
        { key: key("00", "a"), size: 10 },
        { key: key("00", "b"), size: 10 },
        { key: key("01", "a"), size: 10 },
        { key: key("03", "a"), size: 10 },
      ]),
    ).toEqual([0, 0, 1, 2]);
  });

  it("slices an hour bigger than the limit into consecutive groups", () => {
    const hour = ["a", "b", "c", "d", "e"].map((unique) => ({ key: key("07", unique), size: 40 }));
    expect(groupArchiveObjects(hour, 100)).toEqual([0, 0, 1, 1, 2]);
    expect(
      groupArchiveObjects(
        [
          { key: key("07", "huge"), size: 500 },
          { key: key("07", "next"), size: 1 },
        ],
        100,
      ),
    ).toEqual([0, 1]);
  });
});
