/**
 * Queue retry delay: exponential from 2 s, capped at 5 minutes, with full jitter so a shard
 * outage does not bring every retried message back in the same second. `random` in [0, 1).
 */
export function computeRetryDelaySeconds(attempts: number, random: number): number {
  const ceiling = Math.min(300, 2 ** Math.max(1, attempts));
  return Math.max(1, Math.round(ceiling * random));
}
