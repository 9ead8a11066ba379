import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../spec/accepted-event";
import type { Destination } from "./destination-store";
import { fanOut } from "./fan-out";

const destination = (overrides: Partial<Destination>): Destination => ({
  id: "d1",
  name: "Webhook",
  type: "webhook",
  enabled: true,
  sourceIds: ["s1"],
  settings: {},
  consentCategories: [],
  ...overrides,
});

const event = (messageId: string, overrides: object = {}) =>
  ({
    type: "track",
    event: "Viewed",
    messageId,
    projectId: "s1",
    receivedAt: "",
    timestamp: "",
    context: {},
    properties: { email: "a@b.c", plan: "pro" },
    ...overrides,
  }) as unknown as AcceptedEvent;

describe("fanOut", () => {
  it("sends each destination its sources' events, applying consent, the integrations object and filters in order", async () => {
    const result = await fanOut(
      [
        event("ok"),
        event("other-source", { projectId: "s2" }),
        event("no-consent", { context: { consent: { categoryPreferences: { Analytics: false } } } }),
        event("integrations-off", { integrations: { All: false } }),
        event("dropped", { event: "Spam" }),
        event("unreadable", { event: "Broken" }),
      ],
      [
        {
          destination: destination({ consentCategories: ["Analytics"] }),
          filters: [
            { matches: (e) => (e.event === "Broken" ? "error" : e.event === "Spam"), actions: [{ type: "DROP" }] },
            { matches: () => true, actions: [{ type: "DROP_PROPERTIES", fields: { properties: ["email"] } }] },
          ],
        },
        { destination: destination({ id: "d2", enabled: false }), filters: [] },
      ],
    );
    expect([...result.deliveries.keys()]).toEqual(["d1"]);
    expect(result.deliveries.get("d1")!.map((e) => e.messageId)).toEqual(["ok"]);
    expect((result.deliveries.get("d1")![0] as unknown as { properties: object }).properties).toEqual({ plan: "pro" });
    expect(result.discards).toEqual([
      { destinationId: "d1", reason: "Filtered by end user consent" },
      { destinationId: "d1", reason: "Filtered by the integrations object" },
      { destinationId: "d1", reason: "Filtered at destination" },
      { destinationId: "d1", reason: "Filtered at destination" },
    ]);
  });
});
