import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { eventTableName, eventTableRows, type TableRow } from "./event-tables";

const uuidTs = new Date("2024-05-01T12:00:00.000Z");

function accepted(fields: Record<string, unknown> & { type: string }): AcceptedEvent {
  return {
    messageId: "m-1",
    receivedAt: "2024-05-01T10:00:01.000Z",
    sentAt: "2024-05-01T10:00:00.500Z",
    timestamp: "2024-05-01T10:00:00.000Z",
    originalTimestamp: "2024-05-01T09:59:59.000Z",
    projectId: "src_1",
    userId: "u-1",
    anonymousId: "a-1",
    context: { library: { name: "analytics.js", version: "2.11.1" }, ip: "203.0.113.9" },
    ...fields,
  } as AcceptedEvent;
}

const plain = (rows: TableRow[]) => rows.map(({ table, row }) => ({ table, row: { ...row } }));

const standard = {
  id: "m-1",
  received_at: new Date("2024-05-01T10:00:01.000Z"),
  sent_at: new Date("2024-05-01T10:00:00.500Z"),
  timestamp: new Date("2024-05-01T10:00:00.000Z"),
  original_timestamp: new Date("2024-05-01T09:59:59.000Z"),
  uuid_ts: uuidTs,
  user_id: "u-1",
  anonymous_id: "a-1",
  context_library_name: "analytics.js",
  context_library_version: "2.11.1",
  context_ip: "203.0.113.9",
};

describe("eventTableRows", () => {
  it("writes the docs' Register example to tracks and to its event table with plan and account_type", () => {
    const rows = eventTableRows(accepted({ type: "track", event: "Register", properties: { plan: "Pro Annual", accountType: "Facebook" } }), uuidTs);
    expect(plain(rows)).toEqual([
      { table: "tracks", row: { ...standard, event: "register", event_text: "Register" } },
      { table: "register", row: { ...standard, event: "register", event_text: "Register", plan: "Pro Annual", account_type: "Facebook" } },
    ]);
  });

  it("names event tables as Segment does, keeping the standard tables' names for the standard calls", () => {
    expect(eventTableName("Order Completed")).toBe("order_completed");
    expect(eventTableName("Signed Up")).toBe("signed_up");
    expect(eventTableName("tracks")).toBe("_tracks");
    expect(eventTableName("Identifies")).toBe("_identifies");
    expect(eventTableName("Users")).toBe("_users");
    expect(eventTableName("open")).toBe("_open");
    expect(eventTableName("🎉")).toBe("");
  });

  it("writes a track whose name has no usable character to tracks only", () => {
    const rows = eventTableRows(accepted({ type: "track", event: "🎉", properties: { a: 1 } }), uuidTs);
    expect(plain(rows)).toEqual([{ table: "tracks", row: { ...standard, event_text: "🎉" } }]);
  });

  it("discards properties that collide with reserved columns (docs: 'for example, user_id')", () => {
    const properties = {
      user_id: "spoofed",
      id: "x",
      event: "y",
      received_at: "z",
      context_ip: "1.1.1.1",
      uuid_ts: 5,
      timestamp: "t",
      userId: "u",
      revenue: 10,
    };
    const [, eventRow] = eventTableRows(accepted({ type: "track", event: "Paid", properties }), uuidTs);
    expect({ ...eventRow?.row }).toEqual({ ...standard, event: "paid", event_text: "Paid", revenue: 10 });
  });

  it("writes pages with name and their properties un-prefixed", () => {
    const page = accepted({ type: "page", name: "Pricing", properties: { url: "https://x.test/pricing", path: "/pricing", title: "Pricing", name: "other" } });
    expect(plain(eventTableRows(page, uuidTs))).toEqual([
      { table: "pages", row: { ...standard, name: "Pricing", url: "https://x.test/pricing", path: "/pricing", title: "Pricing" } },
    ]);
    const screen = accepted({ type: "screen", name: "Home", properties: { variation: "blue" } });
    expect(plain(eventTableRows(screen, uuidTs))).toEqual([{ table: "screens", row: { ...standard, name: "Home", variation: "blue" } }]);
  });

  it("writes identify traits and group traits un-prefixed, nested traits flattened", () => {
    const identify = accepted({ type: "identify", traits: { email: "jane@example.com", plan: "Pro", address: { street: "6th Street" } } });
    expect(plain(eventTableRows(identify, uuidTs))).toEqual([
      { table: "identifies", row: { ...standard, email: "jane@example.com", plan: "Pro", address_street: "6th Street" } },
    ]);
    const group = accepted({ type: "group", groupId: "g-1", traits: { name: "Initech", employees: 42, group_id: "spoofed" } });
    expect(plain(eventTableRows(group, uuidTs))).toEqual([{ table: "groups", row: { ...standard, group_id: "g-1", name: "Initech", employees: 42 } }]);
  });

  it("writes aliases with previous_id", () => {
    expect(plain(eventTableRows(accepted({ type: "alias", previousId: "a-1" }), uuidTs))).toEqual([
      { table: "aliases", row: { ...standard, previous_id: "a-1" } },
    ]);
  });

  it("flattens context, stringifies its arrays and leaves out what the call did not send", () => {
    const event = accepted({
      type: "identify",
      anonymousId: undefined,
      sentAt: undefined,
      originalTimestamp: undefined,
      context: { app: { version: "1.0.0" }, traits: { email: "j@x.test" }, campaign: { name: "spring" }, tags: ["a", "b"] },
    });
    const [identify] = eventTableRows(event, uuidTs);
    expect({ ...identify?.row }).toEqual({
      id: "m-1",
      received_at: standard.received_at,
      timestamp: standard.timestamp,
      uuid_ts: uuidTs,
      user_id: "u-1",
      context_app_version: "1.0.0",
      context_traits_email: "j@x.test",
      context_campaign_name: "spring",
      context_tags: '["a","b"]',
    });
  });

  it("keeps __proto__ and constructor properties as data", () => {
    const properties = JSON.parse('{"__proto__": {"admin": true}, "constructor": "c"}') as Record<string, unknown>;
    const [, eventRow] = eventTableRows(accepted({ type: "track", event: "Clicked", properties }), uuidTs);
    expect(eventRow?.row.proto_admin).toBe(true);
    expect(eventRow?.row.constructor).toBe("c");
    expect(Object.getPrototypeOf(eventRow?.row)).toBeNull();
  });

  it("reads a sentAt without a zone as UTC", () => {
    const [row] = eventTableRows(accepted({ type: "identify", sentAt: "2024-05-01T10:00:00" }), uuidTs);
    expect(row?.row.sent_at).toEqual(new Date("2024-05-01T10:00:00Z"));
  });
});
