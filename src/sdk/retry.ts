import { parseRetryAfter } from "../retry/retry-after";

const MAX_DELAY_MS = 60_000;

/**
 * Delay before retry `attempt` (1-based): exponential from 1 s with jitter between half and the
 * whole step, capped at a minute; a server's `Retry-After` (src/retry/retry-after.ts, shared with the Worker) wins, capped
 * the same way. `random` in [0, 1), `now` in ms: passed in so the schedule is testable.
 */
export function computeBackoff(attempt: number, random: number, retryAfter?: string | null, now = Date.now()): number {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== null) return Math.min(asked * 1000, MAX_DELAY_MS);
  const step = Math.min(MAX_DELAY_MS, 1000 * 2 ** (attempt - 1));
  return Math.round(step / 2 + (step / 2) * random);
}

/** Whether a Tracking API answer means "send it again later" rather than "done" or "never". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}
