import type { FC } from "hono/jsx";

/**
 * Charts as inline SVG, rendered on the server from the counts they show: no script. Each is an
 * image with a text alternative that states the numbers, so a screen reader hears what is drawn.
 */

const total = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);
export const formatCount = (value: number) => value.toLocaleString("en-US");

/** A small line of `values` (oldest first), scaled to its own maximum. */
export const Sparkline: FC<{ values: readonly number[]; label: string }> = ({ values, label }) => {
  const width = 120;
  const height = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((value, i) => `${(i * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`).join(" ");
  const description = `${label}: ${formatCount(total(values))} events`;
  return (
    <svg class="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={description}>
      <title>{description}</title>
      <polyline
        points={points}
        fill="none"
        stroke="currentColor"
        stroke-opacity={total(values) === 0 ? "0.35" : undefined}
        stroke-width="1.5"
        stroke-linejoin="round"
        vector-effect="non-scaling-stroke"
      />
    </svg>
  );
};

/** Bars of `values` (oldest first), scaled to their maximum; fills the width it is given. */
export const BarChart: FC<{ values: readonly number[]; label: string }> = ({ values, label }) => {
  const width = 480;
  const height = 80;
  const max = Math.max(1, ...values);
  const slot = width / Math.max(1, values.length);
  const description = `${label}: ${formatCount(total(values))} events, at most ${formatCount(Math.max(0, ...values))} in one hour`;
  return (
    <svg class="bars" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={description}>
      <title>{description}</title>
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} stroke="currentColor" stroke-opacity="0.3" />
      {values.map((value, i) => {
        if (value === 0) return null; // no bar, rather than a zero-height one
        const barHeight = Math.max(1, (value / max) * (height - 2));
        return (
          <rect
            x={(i * slot + slot * 0.1).toFixed(1)}
            y={(height - barHeight).toFixed(1)}
            width={(slot * 0.8).toFixed(1)}
            height={barHeight.toFixed(1)}
            fill="currentColor"
          />
        );
      })}
    </svg>
  );
};

/**
 * Columns of `values` (oldest first, one per minute of a day: 1,440 of them), scaled to their
 * maximum. One path with a stroke per non-zero value keeps a busy day's chart a few kilobytes.
 */
export const ColumnChart: FC<{ values: readonly number[]; label: string; unit: string }> = ({ values, label, unit }) => {
  const height = 80;
  const max = Math.max(1, ...values);
  const columns: string[] = [];
  values.forEach((value, i) => {
    if (value === 0) return;
    columns.push(`M${i + 0.5} ${height}V${(height - Math.max(1, (value / max) * (height - 2))).toFixed(1)}`);
  });
  const description = `${label}: ${formatCount(total(values))} events, at most ${formatCount(Math.max(0, ...values))} in one ${unit}`;
  return (
    <svg class="bars" viewBox={`0 0 ${values.length} ${height}`} preserveAspectRatio="none" role="img" aria-label={description}>
      <title>{description}</title>
      <line x1="0" y1={height - 0.5} x2={values.length} y2={height - 0.5} stroke="currentColor" stroke-opacity="0.3" vector-effect="non-scaling-stroke" />
      {columns.length > 0 ? <path d={columns.join("")} stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke" /> : null}
    </svg>
  );
};
