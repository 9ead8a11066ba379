import { describe, expect, it } from "vitest";
import { CONSENT_UPDATED_EVENT, consentFromEvent, newerConsent, type ConsentRecord } from "./consent";

const preferences = { Advertising: true, Analytics: false, Functional: true, DataSharing: false };
const base = { messageId: "m1", timestamp: "2023-01-01T00:00:00.000Z", context: { consent: { categoryPreferences: preferences } } };

describe("consent records", () => {
  it("records Segment Consent Preference Updated and identify calls that carry the consent object", () => {
    // Segment's example ("Consent in Unify").
    expect(consentFromEvent({ ...base, type: "track", event: CONSENT_UPDATED_EVENT })).toEqual({
      categoryPreferences: preferences,
      updatedAt: "2023-01-01T00:00:00.000Z",
      messageId: "m1",
    });
    expect(consentFromEvent({ ...base, type: "identify", timestamp: "2023-01-01T01:00:00+01:00" })).toMatchObject({ updatedAt: "2023-01-01T00:00:00.000Z" });
  });

  it("other events, and events without a usable consent object, record nothing", () => {
    expect(consentFromEvent({ ...base, type: "track", event: "Order Completed" })).toBeUndefined();
    expect(consentFromEvent({ ...base, type: "page" })).toBeUndefined();
    expect(consentFromEvent({ ...base, type: "group" })).toBeUndefined();
    const track = (context: unknown) => consentFromEvent({ ...base, type: "track", event: CONSENT_UPDATED_EVENT, context });
    expect(track(undefined)).toBeUndefined();
    expect(track({})).toBeUndefined();
    expect(track({ consent: [] })).toBeUndefined();
    expect(track({ consent: { categoryPreferences: ["Advertising"] } })).toBeUndefined();
    expect(track({ consent: { categoryPreferences: {} } })).toBeUndefined();
    expect(track({ consent: { categoryPreferences: { Advertising: "yes", Analytics: null } } })).toBeUndefined();
    // Only booleans are preferences.
    expect(track({ consent: { categoryPreferences: { Advertising: "yes", Analytics: false } } })?.categoryPreferences).toEqual({ Analytics: false });
  });

  it("the newer record by timestamp stands, whichever arrives first; an instant's tie goes to the greater messageId", () => {
    const record = (messageId: string, updatedAt: string): ConsentRecord => ({ categoryPreferences: { Analytics: messageId === "b" }, updatedAt, messageId });
    const older = record("z", "2026-01-01T00:00:00.000Z");
    const newer = record("a", "2026-01-02T00:00:00.000Z");
    expect(newerConsent(null, older)).toBe(older);
    expect(newerConsent(older, null)).toBe(older);
    expect(newerConsent(null, null)).toBeNull();
    expect(newerConsent(older, newer)).toBe(newer);
    expect(newerConsent(newer, older)).toBe(newer);
    const tieA = record("a", "2026-01-03T00:00:00.000Z");
    const tieB = record("b", "2026-01-03T00:00:00.000Z");
    expect(newerConsent(tieA, tieB)).toBe(tieB);
    expect(newerConsent(tieB, tieA)).toBe(tieB);
    expect(newerConsent(tieB, { ...tieB })).toBe(tieB);
  });
});
