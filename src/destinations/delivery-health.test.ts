import { describe, expect, it } from "vitest";
import { byHealth, deliveryHealth } from "./delivery-health";
import { emptyDeliveryMetrics, type DeliveryMetrics } from "./delivery-stats";

const metrics = (counts: Partial<DeliveryMetrics> = {}): DeliveryMetrics => ({ ...emptyDeliveryMetrics(), ...counts });

describe("deliveryHealth", () => {
  it("names a destination's last 24 hours in a word", () => {
    expect(deliveryHealth(metrics(), true)).toEqual({ level: "off", label: "No deliveries yet" });
    expect(deliveryHealth(metrics({ retrying: 3 }), true)).toEqual({ level: "warn", label: "Retrying" });
    expect(deliveryHealth(metrics({ delivered: 100 }), false)).toEqual({ level: "off", label: "Disabled" });
    expect(deliveryHealth(metrics({ delivered: 100 }), true)).toEqual({ level: "ok", label: "Healthy" });
    expect(deliveryHealth(metrics({ delivered: 100, retrying: 2 }), true)).toEqual({ level: "warn", label: "Degraded" });
    expect(deliveryHealth(metrics({ delivered: 99, failed: 1 }), true)).toEqual({ level: "warn", label: "Degraded" });
    expect(deliveryHealth(metrics({ delivered: 90, failed: 10 }), true)).toEqual({ level: "bad", label: "Failing (10% failed)" });
  });

  it("does not count discarded events (consent, integrations, filters) as failures", () => {
    expect(deliveryHealth(metrics({ delivered: 10, discarded: 90 }), true).level).toBe("ok");
  });

  it("lists the least healthy destinations first, then by name", () => {
    const row = (name: string, m: DeliveryMetrics) => ({ destination: { name, enabled: true }, metrics: m });
    const sorted = byHealth([
      row("idle", metrics()),
      row("ok", metrics({ delivered: 5 })),
      row("bad", metrics({ failed: 5 })),
      row("b-warn", metrics({ delivered: 5, retrying: 1 })),
      row("a-warn", metrics({ delivered: 5, retrying: 1 })),
    ]);
    expect(sorted.map((r) => r.destination.name)).toEqual(["bad", "a-warn", "b-warn", "ok", "idle"]);
  });
});
