/**
 * What a destination's answer means (DESIGN.md, "Webhook destination"): 2xx is delivered; 429,
 * 5xx, timeouts and network errors are retried with exponential backoff and jitter for up to 4
 * hours from the first attempt, then dead-lettered; any other 4xx is failed at once (the request
 * itself is wrong, sending it again changes nothing).
 */
export type DeliveryOutcome = { kind: "delivered" } | { kind: "retry"; reason: string } | { kind: "failed"; reason: string };

export const RETRY_WINDOW_MS = 4 * 3_600_000;
/** The first retry's delay; a deployment may lower it (DELIVERY_RETRY_FIRST_DELAY_SECONDS), tests do. */
export const FIRST_DELAY_SECONDS = 10;
const MAX_DELAY_SECONDS = 3_600;

export function classifyAnswer(answer: number | "timeout" | "network-error"): DeliveryOutcome {
  if (answer === "timeout") return { kind: "retry", reason: "timed out" };
  if (answer === "network-error") return { kind: "retry", reason: "could not connect" };
  if (answer >= 200 && answer < 300) return { kind: "delivered" };
  if (answer === 429 || answer >= 500) return { kind: "retry", reason: `answered ${answer}` };
  return { kind: "failed", reason: `answered ${answer}` };
}

/**
 * Seconds until the next attempt (`attempts` made so far, at least 1), or null once the 4-hour
 * window would be passed: the message then goes to the dead-letter queue. Full jitter, so a
 * destination coming back is not hit by every retry in the same second.
 */
export function nextRetryDelaySeconds(
  attempts: number,
  firstAttemptAt: number,
  now: number,
  random: number,
  firstDelaySeconds = FIRST_DELAY_SECONDS,
): number | null {
  const ceiling = Math.min(MAX_DELAY_SECONDS, firstDelaySeconds * 2 ** Math.max(0, attempts - 1));
  const delay = Math.max(1, Math.round(ceiling * (0.5 + random / 2)));
  return now + delay * 1000 - firstAttemptAt > RETRY_WINDOW_MS ? null : delay;
}
