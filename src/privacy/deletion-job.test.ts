import { describe, expect, it } from "vitest";
import { finalStatus, initialProgress, planDeletionSteps } from "./deletion-job";

describe("planDeletionSteps", () => {
  it("runs every internal store for full deletions, only the archive for DELETE_ARCHIVE_ONLY, and forwards when the type does", () => {
    expect(planDeletionSteps("DELETE_ARCHIVE_ONLY")).toEqual([
      "settle",
      "outbox",
      "archive-index",
      "archive-erase",
      "archive-unindex",
      "warehouse",
      "verify",
      "finish",
      "done",
    ]);
    expect(planDeletionSteps("DELETE_INTERNAL")).not.toContain("destinations");
    expect(planDeletionSteps("SUPPRESS_WITH_DELETE")).toEqual(expect.arrayContaining(["dead-letters", "profiles-erase", "d1", "destinations", "verify"]));
    // The warehouse follows the internal erasure, before forwarding (which may retry for hours).
    const full = planDeletionSteps("SUPPRESS_WITH_DELETE");
    expect(full.indexOf("warehouse")).toBe(full.indexOf("d1") + 1);
    expect(full.indexOf("warehouse")).toBeLessThan(full.indexOf("destinations"));
    expect(planDeletionSteps("SUPPRESS_ONLY")).not.toContain("warehouse");
    expect(Object.keys(initialProgress(planDeletionSteps("DELETE_ONLY")).stores).sort()).toEqual(
      ["archive", "d1", "deadLetters", "debugger", "identityIndex", "outbox", "profiles", "replays"].sort(),
    );
    expect(Object.keys(initialProgress(planDeletionSteps("DELETE_ARCHIVE_ONLY")).stores).sort()).toEqual(["archive", "outbox"]);
  });
});

describe("finalStatus", () => {
  const verification = { objectsChecked: 2, eventsChecked: 5, occurrences: 0, profilesStillFound: 0, at: "2026-01-01T00:00:00.000Z" };
  const done = { status: "done" as const, removed: {} };

  it("is FINISHED when every store is done and the verification found nothing", () => {
    expect(finalStatus({ stores: { archive: done }, destinations: { d1: done }, verification }, null)).toEqual({ status: "FINISHED", error: null });
  });

  it("is PARTIAL_SUCCESS when a destination failed or the verification found something, and says which", () => {
    const failed = { status: "failed" as const, removed: {}, error: "answered 400" };
    expect(finalStatus({ stores: { archive: done }, destinations: { d1: done, d2: failed }, verification }, null)).toEqual({
      status: "PARTIAL_SUCCESS",
      error: "destination d2: answered 400",
    });
    expect(finalStatus({ stores: { archive: done }, destinations: {}, verification: { ...verification, occurrences: 1 } }, null).status).toBe(
      "PARTIAL_SUCCESS",
    );
  });

  it("is FAILED when a store could not be erased", () => {
    expect(finalStatus({ stores: { archive: { status: "failed", removed: {}, error: "R2 down" } }, destinations: {} }, null)).toEqual({
      status: "FAILED",
      error: "archive: R2 down",
    });
  });
});
