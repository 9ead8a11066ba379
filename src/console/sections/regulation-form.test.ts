import { describe, expect, it } from "vitest";
import { MAX_SUBJECT_IDS } from "../../privacy/regulation";
import { exportSubjectIdsOf, regulationFormOf, regulationRequestOf, subjectIdsOf } from "./regulation-form";

describe("the regulation form", () => {
  it("reads one userId per line, trimmed, without blanks or repeats", () => {
    expect(subjectIdsOf(" u1 \r\n\nu2, with comma\nu1\n")).toEqual(["u1", "u2, with comma"]);
  });

  it("turns the form into the API's body", () => {
    const values = regulationFormOf({ regulationType: "SUPPRESS_ONLY", subjectIds: "u1\nu2" });
    expect(regulationRequestOf(values)).toEqual({ ok: true, request: { regulationType: "SUPPRESS_ONLY", subjectType: "USER_ID", subjectIds: ["u1", "u2"] } });
  });

  it("says what is wrong: no type, no ids, too many ids", () => {
    expect(regulationRequestOf({ regulationType: "FORGET", subjectIds: "u1" })).toEqual({
      ok: false,
      message: "Choose what to do: one of the regulation types.",
    });
    expect(regulationRequestOf({ regulationType: "DELETE_ONLY", subjectIds: " \n " })).toEqual({
      ok: false,
      message: "Enter at least one userId, one per line.",
    });
    const tooMany = Array.from({ length: MAX_SUBJECT_IDS + 1 }, (_, i) => `u${i}`).join("\n");
    const answer = regulationRequestOf({ regulationType: "DELETE_ONLY", subjectIds: tooMany });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.message).toContain("at most 5000 userIds");
  });
});

describe("the subject export form", () => {
  it("reads the userIds and checks them with the API's schema", () => {
    expect(exportSubjectIdsOf("u1\n u2 \nu1")).toEqual({ ok: true, subjectIds: ["u1", "u2"] });
    expect(exportSubjectIdsOf(" \n")).toEqual({ ok: false, message: "Enter at least one userId, one per line." });
    const tooMany = exportSubjectIdsOf(Array.from({ length: MAX_SUBJECT_IDS + 1 }, (_, i) => `u${i}`).join("\n"));
    expect(!tooMany.ok && tooMany.message).toContain("at most 5000 userIds");
  });
});
