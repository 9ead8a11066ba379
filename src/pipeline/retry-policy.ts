import { computeBackoffSeconds, type BackoffPolicy } from "../retry/backoff";

/**
 * EVENTS and IDENTITY retries: from 2 s, capped at 5 minutes, with full jitter, so a shard
 * outage does not bring every retried message back in the same second (src/retry/backoff.ts).
 */
export const QUEUE_BACKOFF: BackoffPolicy = { baseSeconds: 2, capSeconds: 300, jitter: "full" };

/** Seconds before a message that failed `attempts` times comes back. `random` in [0, 1). */
export function computeRetryDelaySeconds(attempts: number, random: number): number {
  return computeBackoffSeconds(QUEUE_BACKOFF, attempts, random);
}
