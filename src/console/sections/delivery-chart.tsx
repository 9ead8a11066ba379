import type { FC } from "hono/jsx";
import type { DeliveryHour } from "../../destinations/delivery-stats";

const WIDTH = 480;
const HEIGHT = 120;
const AXIS = 2;

/**
 * Deliveries per hour as stacked bars (delivered, failed, discarded), inline SVG: no script, the
 * colours from the stylesheet. The totals are in the accessible label and each bar's title.
 * With no delivery in the window, the empty state says so instead.
 */
export const DeliveryChart: FC<{ hours: readonly DeliveryHour[] }> = ({ hours }) => {
  const peak = Math.max(1, ...hours.map((hour) => hour.delivered + hour.failed + hour.discarded));
  const slot = WIDTH / Math.max(1, hours.length);
  const scale = (count: number) => (count / peak) * (HEIGHT - AXIS);
  const totals = hours.reduce(
    (sum, hour) => ({ delivered: sum.delivered + hour.delivered, failed: sum.failed + hour.failed, discarded: sum.discarded + hour.discarded }),
    {
      delivered: 0,
      failed: 0,
      discarded: 0,
    },
  );
  const label = `Deliveries per hour over the last ${hours.length} hours: ${totals.delivered} delivered, ${totals.failed} failed, ${totals.discarded} discarded.`;
  if (totals.delivered + totals.failed + totals.discarded === 0) {
    return (
      <p class="empty">
        No deliveries in the last {hours.length} hours. Once its sources send events, deliveries show here per hour; the event tester below sends one now.
      </p>
    );
  }
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line class="axis" vector-effect="non-scaling-stroke" x1="0" y1={HEIGHT - AXIS} x2={WIDTH} y2={HEIGHT - AXIS} />
        {hours.map((hour, index) => {
          const x = index * slot + slot * 0.15;
          const width = slot * 0.7;
          let top = HEIGHT - AXIS;
          const bars = (["delivered", "failed", "discarded"] as const).map((outcome) => {
            const height = scale(hour[outcome]);
            top -= height;
            return height > 0 ? (
              <rect class={`bar-${outcome}`} x={x.toFixed(1)} y={top.toFixed(1)} width={width.toFixed(1)} height={height.toFixed(1)} />
            ) : null;
          });
          return (
            <g>
              <title>{`${hour.hour}:00 UTC: ${hour.delivered} delivered, ${hour.failed} failed, ${hour.discarded} discarded`}</title>
              <rect class="bar-slot" x={(index * slot).toFixed(1)} y="0" width={slot.toFixed(1)} height={HEIGHT - AXIS} />
              {bars}
            </g>
          );
        })}
      </svg>
      {/* Hour labels in HTML: the SVG stretches to the width, text inside it would too. */}
      <div class="ticks" aria-hidden="true">
        {hours
          .filter((_, index) => index % 6 === 0 || index === hours.length - 1)
          .map((hour) => (
            <span>{`${hour.hour.slice(11)}:00`}</span>
          ))}
      </div>
      <figcaption>
        <span class="key key-delivered">Delivered {totals.delivered}</span> <span class="key key-failed">Failed {totals.failed}</span>{" "}
        <span class="key key-discarded">Discarded {totals.discarded}</span> <span class="muted">(per hour, UTC, peak {peak})</span>
      </figcaption>
    </figure>
  );
};
