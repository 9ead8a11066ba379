import { describe, expect, it } from "vitest";
import { previewView, type PreviewOutcome } from "../filter-preview-view";
import { previewFormOf, previewOutcomeOf } from "./filter-preview";

const pick = { id: "m-1", label: 'track "Order Completed" · user u1 · 2026-05-01 10:00:03 UTC', event: { type: "track", event: "Order Completed" } };

describe("the filter preview", () => {
  it("reads the posted form", () => {
    expect(previewFormOf({ if: "all", action: "DROP", event: "{}", entry: "m-1", debuggerSource: "src_1", csrf: "tok" })).toEqual({
      filter: { title: "", if: "all", action: "DROP", fields: "", percent: "" },
      event: "{}",
      entry: "m-1",
      debuggerSource: "src_1",
    });
  });

  it("tries the filter on the debugger event picked, over the JSON, and says which it was", async () => {
    const values = previewFormOf({ if: 'event = "Order Completed"', action: "DROP", event: '{"event":"Other"}', entry: "m-1" });
    expect(await previewOutcomeOf(values, pick)).toEqual({ result: { matched: true, event: null }, against: pick.label });
    expect(await previewOutcomeOf({ ...values, entry: "" }, undefined)).toEqual({ result: { matched: false, event: { event: "Other" } }, against: undefined });
  });

  it("says what to fix: a picked event no longer there, the condition, the JSON", async () => {
    const values = previewFormOf({ if: "all", action: "", event: "{}", entry: "m-gone" });
    const errorOf = async (outcome: Promise<PreviewOutcome>) => {
      const settled = await outcome;
      return "error" in settled ? settled.error : "no error";
    };
    expect(await errorOf(previewOutcomeOf(values, undefined))).toMatch(/^Event: the one picked is no longer among/);
    expect(await errorOf(previewOutcomeOf({ ...values, entry: "", filter: { ...values.filter, if: 'event = "x' } }, undefined))).toMatch(/^Condition: /);
    expect(await errorOf(previewOutcomeOf({ ...values, entry: "", event: "{nope" }, undefined))).toMatch(/^Event: not JSON/);
  });

  it("shows a verdict as a view tree of text", () => {
    expect(previewView({ result: { matched: false, event: { a: "<b>" } } })).toEqual([
      { tag: "p", children: [{ tag: "span", attrs: { class: "pill pill-off" }, children: ["Not matched"] }, " ", "The destination would receive:"] },
      { tag: "pre", attrs: { class: "mono", tabindex: "0" }, children: ['{\n  "a": "<b>"\n}'] },
    ]);
    expect(previewView({ result: { matched: true, event: null }, against: "page" })[0]).toEqual({
      tag: "p",
      attrs: { class: "muted" },
      children: ["Tried on page, from the debugger."],
    });
    expect(previewView({ error: "Condition: bad" })).toEqual([{ tag: "p", attrs: { class: "error" }, children: ["Condition: bad"] }]);
  });
});
