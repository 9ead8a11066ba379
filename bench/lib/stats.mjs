// Small statistics helpers shared by the bench sections. Numbers are rounded only for the summary,
// never before they are compared, so ratios keep their precision.

/** The q-quantile (0..1) of `values` by nearest rank; NaN for an empty list. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Rounds to `digits` decimals for display in the JSON summary. */
export function round(value, digits = 2) {
  if (!Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `numerator / denominator`, or null when the denominator cannot give a meaningful ratio. */
export function ratio(numerator, denominator, digits = 2) {
  return denominator > 0 && Number.isFinite(numerator) ? round(numerator / denominator, digits) : null;
}

/** Progress and diagnostics go to stderr: stdout's last line belongs to the JSON summary. */
export function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` (one batch of `batchSize` events per call) for `durationMs` and returns events per
 * second. Checking the clock every 8 calls keeps `performance.now()` out of the measured cost.
 */
export function eventsPerSecond(work, durationMs, batchSize) {
  let batches = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 8; i++) work();
    batches += 8;
    elapsed = performance.now() - start;
  }
  return (batches * batchSize) / (elapsed / 1000);
}
