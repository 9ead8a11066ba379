import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProfileCall } from "../schema/users-accounts";
import { foldProfileRows } from "./profile-rows";

const call = (id: string, minute: number, traits: Record<string, unknown>, messageId = `${id}-${minute}`): ProfileCall => ({
  kind: "user",
  id,
  traits,
  timestamp: `2026-03-14T09:${String(minute).padStart(2, "0")}:00.000Z`,
  receivedAt: `2026-03-14T10:${String(minute).padStart(2, "0")}:00.000Z`,
  messageId,
});
const stored = (calls: ProfileCall[]) => calls.map((value) => ({ entityId: value.id, call: JSON.stringify(value) }));

describe("foldProfileRows", () => {
  it("gives one row per user: each trait from the latest call that set it, uuid_ts when the latest call arrived", () => {
    const rows = [
      ...foldProfileRows(
        stored([call("ada", 5, { plan: "pro" }), call("ada", 1, { plan: "free", email: "ada@example.com" }), call("bob", 2, { plan: "free" })]),
      ),
    ];
    expect(rows).toEqual([
      expect.objectContaining({ id: "ada", plan: "pro", email: "ada@example.com", uuid_ts: new Date("2026-03-14T10:05:00.000Z") }),
      expect.objectContaining({ id: "bob", plan: "free" }),
    ]);
  });

  it("does not depend on the order an entity's calls were kept in", () => {
    const calls = [
      call("ada", 5, { plan: "pro" }),
      call("ada", 1, { plan: "free", email: "a@x" }),
      call("ada", 5, { plan: "team" }, "ada-5b"),
      call("ada", 3, { seats: 2 }),
    ];
    const expected = [...foldProfileRows(stored(calls))];
    fc.assert(
      fc.property(fc.shuffledSubarray(calls, { minLength: calls.length }), (shuffled) => {
        expect([...foldProfileRows(stored(shuffled))]).toEqual(expected);
      }),
    );
  });

  it("says which row is damaged when a kept call is not readable", () => {
    expect(() => [...foldProfileRows([{ entityId: "ada", call: "{" }])]).toThrow(/profile call of ada/);
  });
});
