import { describe, expect, it } from "vitest";
import { eventNamesOf, instantOf, replayFormOf, replayRequestOf, type ReplayFormValues } from "./replay-form";

const typed: ReplayFormValues = {
  sourceId: "src_1",
  destinationIds: ["dst_1"],
  from: "2026-05-01T00:00",
  to: "2026-05-02T00:00:00",
  eventTypes: [],
  eventNames: "",
  ratePerSecond: "",
};
const problem = (values: Partial<ReplayFormValues>) => {
  const result = replayRequestOf({ ...typed, ...values });
  return result.ok ? null : result.message;
};

describe("the replay form", () => {
  it("reads a posted form: repeated checkboxes as lists, one value per text field", () => {
    expect(
      replayFormOf({
        csrf: "tok",
        sourceId: "src_1",
        destinationIds: ["dst_1", "dst_2"],
        from: "2026-05-01T00:00",
        to: "2026-05-02T00:00",
        eventTypes: "track",
        eventNames: "Signed Up\r\nOrder Completed",
        ratePerSecond: "20",
      }),
    ).toEqual({
      sourceId: "src_1",
      destinationIds: ["dst_1", "dst_2"],
      from: "2026-05-01T00:00",
      to: "2026-05-02T00:00",
      eventTypes: ["track"],
      eventNames: "Signed Up\r\nOrder Completed",
      ratePerSecond: "20",
    });
    expect(replayFormOf({})).toEqual({ sourceId: "", destinationIds: [], from: "", to: "", eventTypes: [], eventNames: "", ratePerSecond: "" });
  });

  it("reads a datetime-local value as UTC and leaves anything else to the schema", () => {
    expect(instantOf("2026-05-01T10:00")).toBe("2026-05-01T10:00:00Z");
    expect(instantOf(" 2026-05-01T10:00:30 ")).toBe("2026-05-01T10:00:30Z");
    expect(instantOf("2026-05-01T10:00:00+02:00")).toBe("2026-05-01T10:00:00+02:00");
  });

  it("takes event names one per line, so a name may hold a comma", () => {
    expect(eventNamesOf("Signed Up\r\n\n  Order Completed, Paid  \n")).toEqual(["Signed Up", "Order Completed, Paid"]);
    expect(eventNamesOf(" \n ")).toEqual([]);
  });

  it("builds the admin API's request, leaving out what was left empty", () => {
    expect(replayRequestOf(typed)).toEqual({
      ok: true,
      request: { sourceId: "src_1", destinationIds: ["dst_1"], from: "2026-05-01T00:00:00Z", to: "2026-05-02T00:00:00Z" },
    });
    expect(replayRequestOf({ ...typed, eventTypes: ["track", "page"], eventNames: "Signed Up\nPricing", ratePerSecond: " 25 " })).toEqual({
      ok: true,
      request: {
        sourceId: "src_1",
        destinationIds: ["dst_1"],
        from: "2026-05-01T00:00:00Z",
        to: "2026-05-02T00:00:00Z",
        eventTypes: ["track", "page"],
        eventNames: ["Signed Up", "Pricing"],
        ratePerSecond: 25,
      },
    });
  });

  it("says what to fix in the form's own words", () => {
    expect(problem({ sourceId: "" })).toBe("Choose the source whose archived events to replay.");
    expect(problem({ destinationIds: [] })).toBe("Check at least one destination to replay into.");
    expect(problem({ destinationIds: ["dst_1", "dst_1"] })).toBe("Destinations: destinationIds lists a destination twice.");
    expect(problem({ from: "yesterday" })).toBe("From: enter a date and time in UTC, such as 2026-01-31T00:00.");
    expect(problem({ to: "" })).toBe("To: enter a date and time in UTC, such as 2026-01-31T00:00.");
    expect(problem({ from: "2026-05-02T00:00", to: "2026-05-01T00:00" })).toBe(
      "From must be before To: a replay sends the events received from From up to, not including, To.",
    );
    expect(problem({ eventNames: "x".repeat(201) })).toBe("Event names: write one name per line, each at most 200 characters, at most 1,000 names.");
  });

  it("takes a rate of whole events per second within the API's bounds only", () => {
    const rate = "Rate: enter a whole number of events per second per destination, from 1 to 5,000, or empty for 200.";
    for (const typed of ["0", "5001", "12.5", "1e3", "-3", "fast"]) expect(problem({ ratePerSecond: typed }), typed).toBe(rate);
    for (const typed of ["1", "5000", ""]) expect(problem({ ratePerSecond: typed }), typed).toBeNull();
  });
});
