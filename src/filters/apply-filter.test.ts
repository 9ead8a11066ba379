import { describe, expect, it } from "vitest";
import { applyFilter, compileFilter } from "./apply-filter";

const event = () => ({ type: "track", event: "Signed Up", messageId: "m1", properties: { plan: 7, email: "a@b.c" } });

describe("applyFilter", () => {
  it("runs the actions when the condition holds", async () => {
    const filter = compileFilter({ if: "event = 'Signed Up'", actions: [{ type: "DROP_PROPERTIES", fields: { properties: ["email"] } }] });
    expect(await applyFilter(filter, event())).toEqual({ matched: true, event: { ...event(), properties: { plan: 7 } } });
  });

  it("leaves the event as it is when the condition does not hold", async () => {
    const filter = compileFilter({ if: "event = 'Logged In'", actions: [{ type: "DROP" }] });
    expect(await applyFilter(filter, event())).toEqual({ matched: false, event: event() });
  });

  it("keeps an event whose plan is a number when the filter drops trial plans (match() of a number is false)", async () => {
    const filter = compileFilter({ if: "match(properties.plan, 'trial*')", actions: [{ type: "DROP" }] });
    expect(await applyFilter(filter, event())).toEqual({ matched: false, event: event() });
  });

  it("drops the event when the condition cannot be evaluated, or does not parse", async () => {
    const notAList = compileFilter({ if: "'a' in properties.email", actions: [] });
    expect(await applyFilter(notAList, event())).toEqual({ matched: "error", event: null });
    const unparsable = compileFilter({ if: 'event = oops"', actions: [] });
    expect(await applyFilter(unparsable, event())).toEqual({ matched: "error", event: null });
  });

  it("applies `all` to every event", async () => {
    const filter = compileFilter({ if: "all", actions: [{ type: "DROP" }] });
    expect(await applyFilter(filter, event())).toEqual({ matched: true, event: null });
  });
});
