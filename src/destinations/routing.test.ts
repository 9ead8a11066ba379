import { describe, expect, it } from "vitest";
import { consentAllows, integrationsAllow, routeEvent } from "./routing";

const withConsent = (categoryPreferences: object) => ({ type: "track", context: { consent: { categoryPreferences } } });

describe("consentAllows", () => {
  it("lets events without a consent object flow, and unmapped destinations get everything", () => {
    expect(consentAllows({ type: "track" }, ["Advertising"])).toBe(true);
    expect(consentAllows(withConsent({ Advertising: false }), [])).toBe(true);
  });

  it("needs every mapped category to be true; a category the event does not name is not consent", () => {
    const event = withConsent({ Advertising: true, Analytics: false, Functional: true });
    expect(consentAllows(event, ["Advertising"])).toBe(true);
    expect(consentAllows(event, ["Advertising", "Functional"])).toBe(true);
    expect(consentAllows(event, ["Advertising", "Analytics"])).toBe(false);
    expect(consentAllows(event, ["DataSharing"])).toBe(false);
  });
});

describe("integrationsAllow", () => {
  it("follows Segment's documented example: { All: false, Vero: true, 'Google Analytics': false }", () => {
    const event = { integrations: { All: false, Vero: true, "Google Analytics": false } };
    expect(integrationsAllow(event, "Vero")).toBe(true);
    expect(integrationsAllow(event, "Google Analytics")).toBe(false);
    expect(integrationsAllow(event, "Mixpanel")).toBe(false);
  });

  it("is case-sensitive, treats an options object as enabled, and defaults to All: true", () => {
    expect(integrationsAllow({ integrations: { vero: false } }, "Vero")).toBe(true);
    expect(integrationsAllow({ integrations: { All: false, Webhook: { url: "x" } } }, "Webhook")).toBe(true);
    expect(integrationsAllow({}, "Webhook")).toBe(true);
  });
});

describe("routeEvent", () => {
  it("checks consent before the integrations object, naming Segment's discard reason", () => {
    const event = { ...withConsent({ Analytics: false }), integrations: { Webhook: false } };
    expect(routeEvent(event, { name: "Webhook", consentCategories: ["Analytics"] })).toBe("Filtered by end user consent");
    expect(routeEvent(event, { name: "Webhook", consentCategories: [] })).toBe("Filtered by the integrations object");
    expect(routeEvent(event, { name: "Other", consentCategories: [] })).toBeNull();
  });
});
