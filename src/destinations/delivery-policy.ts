import { computeBackoffSeconds } from "../retry/backoff";

/**
 * What a destination's answer means (DESIGN.md, "Webhook destination"): 2xx is delivered; 429,
 * 5xx, timeouts and network errors are retried with exponential backoff and jitter for up to 4
 * hours from the first attempt, then dead-lettered; any other 4xx is failed at once (the request
 * itself is wrong, sending it again changes nothing). A 429 or 503 may say when to come back
 * (`Retry-After`, read by src/retry/retry-after.ts): then that, not the backoff, sets the wait.
 */
export type DeliveryOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; reason: string; /** What the destination asked with Retry-After, seconds. */ retryAfterSeconds?: number }
  | { kind: "failed"; reason: string };

export const RETRY_WINDOW_MS = 4 * 3_600_000;
/** The first retry's delay; a deployment may lower it (DELIVERY_RETRY_FIRST_DELAY_SECONDS), tests do. */
export const FIRST_DELAY_SECONDS = 10;
const MAX_DELAY_SECONDS = 3_600;
/**
 * The longest delay a queue message may carry: 12 hours (43,200 s) as the issue quotes Cloudflare's
 * Queues docs; the Miniflare in this repo validates up to 86,400 s, so the platform's limit may
 * since have grown to 24 hours. The smaller one holds on both.
 * The 4-hour window makes it moot today; it is here so a longer window cannot ask for a delay
 * the queue refuses.
 */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

export function classifyAnswer(answer: number | "timeout" | "network-error", retryAfterSeconds?: number | null): DeliveryOutcome {
  if (answer === "timeout") return { kind: "retry", reason: "timed out" };
  if (answer === "network-error") return { kind: "retry", reason: "could not connect" };
  if (answer >= 200 && answer < 300) return { kind: "delivered" };
  // Retry-After means "come back then" only on 429 (RFC 6585) and 503 (RFC 9110 §15.6.4).
  if ((answer === 429 || answer === 503) && retryAfterSeconds != null) return { kind: "retry", reason: `answered ${answer}`, retryAfterSeconds };
  if (answer === 429 || answer >= 500) return { kind: "retry", reason: `answered ${answer}` };
  return { kind: "failed", reason: `answered ${answer}` };
}

export interface RetryTiming {
  /** Attempts made so far, at least 1. */
  attempts: number;
  /** When the first attempt was made, epoch ms: the 4-hour window starts there. */
  firstAttemptAt: number;
  now: number;
  /** In [0, 1). */
  random: number;
  firstDelaySeconds?: number;
  /** What the destination asked with Retry-After, if it did. */
  retryAfterSeconds?: number | null;
}

/**
 * Seconds until the next attempt, or null once the wait would end past the 4-hour window: the
 * events then go to dead letters as exhausted. Without Retry-After it is the backoff, doubling
 * from `firstDelaySeconds` up to an hour with equal jitter (at least half of each step, so a
 * destination coming back gets a pause and is not hit by every retry in the same second). With
 * it, what the destination asked (at least 1 s), bounded by the queue's longest delay.
 */
export function nextRetryDelaySeconds(timing: RetryTiming): number | null {
  const { attempts, firstAttemptAt, now, random, firstDelaySeconds = FIRST_DELAY_SECONDS, retryAfterSeconds } = timing;
  const delay =
    retryAfterSeconds != null
      ? Math.max(1, Math.ceil(retryAfterSeconds))
      : computeBackoffSeconds({ baseSeconds: firstDelaySeconds, capSeconds: MAX_DELAY_SECONDS, jitter: "equal" }, attempts, random);
  return now + delay * 1000 - firstAttemptAt > RETRY_WINDOW_MS ? null : Math.min(delay, MAX_QUEUE_DELAY_SECONDS);
}

/** Why retries stopped, for the dead letter: the window ran out, or the destination asked for a wait past it. */
export function describeExhausted(retryAfterSeconds: number | null | undefined): string {
  return retryAfterSeconds != null
    ? `retries exhausted: the destination asked to wait ${Math.ceil(retryAfterSeconds)} s (Retry-After), past the 4-hour retry window`
    : "retries exhausted: still failing 4 hours after the first attempt";
}
