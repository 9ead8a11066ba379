import type { DeliveryMetrics } from "./delivery-stats";

/**
 * A destination's delivery health in a word, from its metrics of the last 24 hours, for the
 * console's Overview and Destinations pages alike. Discarded events are not failures: consent,
 * `integrations` and filters discard them on purpose.
 */
export interface DeliveryHealth {
  level: "ok" | "warn" | "bad" | "off";
  label: string;
}

/** Failing above this share of attempted events failed. */
export const FAILING_SHARE = 0.05;

export function deliveryHealth(metrics: DeliveryMetrics, enabled: boolean): DeliveryHealth {
  if (!enabled) return { level: "off", label: "Disabled" };
  const attempted = metrics.delivered + metrics.failed;
  if (attempted === 0) return metrics.retrying > 0 ? { level: "warn", label: "Retrying" } : { level: "off", label: "No deliveries yet" };
  const failedShare = metrics.failed / attempted;
  if (failedShare > FAILING_SHARE) return { level: "bad", label: `Failing (${Math.round(failedShare * 100)}% failed)` };
  if (metrics.failed > 0 || metrics.retrying > 0) return { level: "warn", label: "Degraded" };
  return { level: "ok", label: "Healthy" };
}

const SEVERITY: Record<DeliveryHealth["level"], number> = { bad: 0, warn: 1, ok: 2, off: 3 };

/** Least healthy first (failing, degraded, healthy, idle), then by name. */
export function byHealth<T extends { destination: { name: string; enabled: boolean }; metrics: DeliveryMetrics }>(rows: readonly T[]): T[] {
  const level = (row: T) => SEVERITY[deliveryHealth(row.metrics, row.destination.enabled).level];
  return [...rows].sort((a, b) => level(a) - level(b) || a.destination.name.localeCompare(b.destination.name));
}
