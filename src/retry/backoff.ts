/**
 * Exponential backoff for every server-side retry: EVENTS and IDENTITY messages
 * (src/pipeline/retry-policy.ts) and destination deliveries, live and replayed
 * (src/destinations/delivery-policy.ts). Pure: the caller passes `random`.
 *
 * The step doubles from `baseSeconds` per attempt up to `capSeconds`; jitter then picks the
 * delay inside the step, named as in AWS's "Exponential Backoff And Jitter" (2015):
 * - `full`: anywhere in [0, step]. Spreads retries the most, which is what a burst of messages
 *   failing together on one shard needs; some come back almost at once, which costs little there.
 * - `equal`: in [step/2, step]. Always keeps half the step, so a destination that is struggling
 *   gets a guaranteed pause before the next attempt while the retries still spread out.
 * Every delay is at least 1 second: a retry "now" would meet the same failure.
 */
export type Jitter = "full" | "equal";

export interface BackoffPolicy {
  /** The first attempt's step, seconds. */
  baseSeconds: number;
  /** No step grows past this, seconds. */
  capSeconds: number;
  jitter: Jitter;
}

/** Seconds to wait after `attempt` failed attempts (1 for the first; 0 is read as 1). `random` in [0, 1). */
export function computeBackoffSeconds(policy: BackoffPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  const delay = policy.jitter === "full" ? step * random : step / 2 + (step / 2) * random;
  return Math.max(1, Math.round(delay));
}
