import { describe, expect, it } from "vitest";
import type { ProfileView } from "../identity/profile-view";
import { eventRecordsOf, profileRecordOf, toNdjson } from "./subject-export";

describe("subject export records", () => {
  it("keeps exactly the covered people's lines of an archive object, whole", () => {
    const mine = { type: "track", event: "Viewed", anonymousId: "a1", properties: { plan: "pro" } };
    const afterSignIn = { type: "identify", userId: "u1", traits: { email: "ann@example.com" } };
    const theirs = { type: "track", event: "Viewed", userId: "u2" };
    const lines = [JSON.stringify(mine), JSON.stringify(theirs), "not json", JSON.stringify(afterSignIn)];
    const records = eventRecordsOf(lines, new Set(["user_id:u1", "anonymous_id:a1"]), "archive/src/2026-11-30/10/x.ndjson.gz", "src");
    expect(records).toEqual([
      { record: "event", sourceId: "src", archiveKey: "archive/src/2026-11-30/10/x.ndjson.gz", event: mine },
      { record: "event", sourceId: "src", archiveKey: "archive/src/2026-11-30/10/x.ndjson.gz", event: afterSignIn },
    ]);
  });

  it("shows a profile's traits with their sources, identifiers, links, metadata and consent, as NDJSON", () => {
    const view: ProfileView = {
      exists: true,
      id: "use_1",
      collection: "users",
      mergedInto: null,
      mergePending: false,
      traits: { plan: { value: "pro", source_id: "src", updated_at: "2026-11-30T10:00:00.000Z" } },
      identifiers: [{ type: "user_id", value: "u1", addedAt: "2026-11-30T10:00:00.000Z", sourceId: "src", firstMessageId: "m1" }],
      links: [],
      metadata: null,
      consent: { categoryPreferences: { Advertising: false }, updatedAt: "2026-11-30T10:00:00.000Z", messageId: "m2" },
    };
    const record = profileRecordOf(view);
    expect(record).toMatchObject({ record: "profile", segmentId: "use_1", traits: view.traits, consent: { categoryPreferences: { Advertising: false } } });
    const text = toNdjson([record, { record: "subject", subjectIds: ["u1"], covered: ["user_id:u1"], exportedAt: "2026-11-30T11:00:00.000Z" }]);
    expect(text.split("\n")).toHaveLength(3);
    expect(JSON.parse(text.split("\n")[1]!)).toMatchObject({ record: "subject", subjectIds: ["u1"] });
  });
});
