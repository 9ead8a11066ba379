import { describe, expect, it } from "vitest";
import { schemaCsv } from "./export-csv";
import type { SchemaEventView } from "./store";

const view = (overrides: Partial<SchemaEventView>): SchemaEventView => ({
  type: "track",
  name: "Viewed",
  count24h: 0,
  count30d: 0,
  count60d: 0,
  total: 5,
  blocked: 2,
  firstSeen: "2026-03-01T00:00:00.000Z",
  lastSeen: "2026-03-02T00:00:00.000Z",
  archived: false,
  properties: [],
  ...overrides,
});

describe("schemaCsv", () => {
  it("writes Segment's track columns, one row per event and property", () => {
    const csv = schemaCsv(
      [
        view({ properties: [{ path: "id", types: ["integer"], firstSeen: "a", lastSeen: "2026-03-02T00:00:00.000Z" }] }),
        view({ name: "Empty", total: 1, blocked: 0 }),
        view({ type: "identify", name: "", properties: [{ path: "email", types: ["string"], firstSeen: "a", lastSeen: "b" }] }),
      ],
      "track",
    );
    expect(csv).toBe(
      "Event Name,Last Seen At (UTC),Property Name,Allowed,Blocked,Total\r\n" +
        "Viewed,2026-03-02T00:00:00.000Z,id,3,2,5\r\n" +
        "Empty,2026-03-02T00:00:00.000Z,,1,0,1\r\n",
    );
  });

  it("writes traits for identify and group", () => {
    const csv = schemaCsv(
      [view({ type: "identify", name: "", properties: [{ path: "email", types: ["string"], firstSeen: "a", lastSeen: "b" }] })],
      "identify",
    );
    expect(csv).toBe("Trait Name,Last Seen At (UTC),Allowed,Blocked,Total\r\nemail,b,3,2,5\r\n");
  });

  it("quotes separators and defuses formulas in names sent by clients", () => {
    const csv = schemaCsv(
      [view({ name: '=HYPERLINK("http://evil")', properties: [{ path: "a,b", types: ["string"], firstSeen: "x", lastSeen: "y" }] })],
      "track",
    );
    expect(csv.split("\r\n")[1]).toBe(`"'=HYPERLINK(""http://evil"")",y,"a,b",3,2,5`);
  });
});
