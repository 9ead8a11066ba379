import type { FC } from "hono/jsx";
import type { DeliveryHour } from "../../destinations/delivery-stats";

const WIDTH = 480;
const HEIGHT = 120;
const AXIS = 16;

/**
 * Deliveries per hour as stacked bars (delivered, failed, discarded), inline SVG: no script, the
 * colours from the stylesheet. The totals are in the accessible label and each bar's title.
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
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <line class="axis" x1="0" y1={HEIGHT - AXIS} x2={WIDTH} y2={HEIGHT - AXIS} />
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
              {index % 6 === 0 ? (
                <text class="tick" x={(index * slot).toFixed(1)} y={HEIGHT - 3}>
                  {`${hour.hour.slice(11)}:00`}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="key key-delivered">Delivered {totals.delivered}</span> <span class="key key-failed">Failed {totals.failed}</span>{" "}
        <span class="key key-discarded">Discarded {totals.discarded}</span> <span class="muted">(per hour, UTC, peak {peak})</span>
      </figcaption>
    </figure>
  );
};
