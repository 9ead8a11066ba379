// Horizontal bar charts as self-contained SVG strings, for the bench report. Every label and
// value is data (summary keys, section names), so everything goes in through `escapeXml`.
// A white card with dark text: readable on GitHub's light and dark themes alike.

const FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
const WIDTH = 720;
const PAD = 16;
const ROW = 22;
const BAR = 14;
const GROUP_GAP = 8;
const CHAR_PX = 6.6; // average glyph width at 12 px, to size the label column
const MAX_LABEL_CHARS = 38;
/** Colour-blind-safe series colours with enough contrast on white (GitHub's Primer palette). */
export const SERIES_COLOURS = ["#0969da", "#bf8700", "#8250df", "#1a7f37", "#cf222e", "#57606a"];

/** Text safe inside XML content and attribute values; drops the control characters XML 1.0 forbids. */
export function escapeXml(value) {
  return String(value)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]);
}

/** A number as people read it: thousands separated, at most `digits` decimals. */
export function formatNumber(value, digits = 2) {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}

const truncate = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * `groups`: [{ label, bars: [{ series, value }] }], one row per bar, the group's label on its
 * first row. `series` names the colour (legend shown when there is more than one). `unit` follows
 * each value; `reference` draws a dashed line at that value (1 for ratios against a baseline).
 * Non-finite values are left out; a group left with no bars is dropped.
 */
export function renderBarChart({ title, description = "", unit = "", groups, reference }) {
  const kept = groups.map((group) => ({ ...group, bars: group.bars.filter((bar) => Number.isFinite(bar.value)) })).filter((group) => group.bars.length > 0);
  const series = [...new Set(kept.flatMap((group) => group.bars.map((bar) => bar.series ?? "")))];
  const colourOf = (name) => SERIES_COLOURS[series.indexOf(name ?? "") % SERIES_COLOURS.length];
  const showLegend = series.length > 1;

  const labelChars = Math.min(MAX_LABEL_CHARS, Math.max(4, ...kept.map((group) => group.label.length)));
  const labelWidth = Math.ceil(labelChars * CHAR_PX);
  const plotLeft = PAD + labelWidth + 8;
  const valueRoom = 96; // the value printed after the longest bar
  const plotWidth = WIDTH - plotLeft - PAD - valueRoom;
  const max = Math.max(reference ?? 0, ...kept.flatMap((group) => group.bars.map((bar) => bar.value)));
  const scale = (value) => (max > 0 ? (Math.max(0, value) / max) * plotWidth : 0);

  const hasReference = reference !== undefined && max > 0;
  // Rows under the title: the legend, then the reference line's label.
  const legendY = PAD + 26;
  const top = PAD + 22 + (showLegend ? 20 : 0) + (hasReference ? 18 : 0);
  const parts = [];
  const spoken = [];
  let y = top;
  for (const group of kept) {
    group.bars.forEach((bar, index) => {
      const shown = `${formatNumber(bar.value)}${unit ? ` ${unit}` : ""}`;
      const name = bar.series ? `${group.label} (${bar.series})` : group.label;
      spoken.push(`${name}: ${shown}`);
      const label = index === 0 ? truncate(group.label, MAX_LABEL_CHARS) : "";
      const width = scale(bar.value);
      parts.push(
        `<g><title>${escapeXml(`${name}: ${shown}`)}</title>` +
          (label ? `<text x="${plotLeft - 8}" y="${y + BAR - 3}" text-anchor="end">${escapeXml(label)}</text>` : "") +
          `<rect x="${plotLeft}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" rx="2" fill="${colourOf(bar.series)}"/>` +
          `<text x="${(plotLeft + width + 6).toFixed(1)}" y="${y + BAR - 3}">${escapeXml(shown)}</text></g>`,
      );
      y += ROW;
    });
    y += GROUP_GAP;
  }
  const height = y - GROUP_GAP + PAD;

  if (hasReference) {
    const x = (plotLeft + scale(reference)).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - PAD + 2}" stroke="#57606a" stroke-dasharray="4 3"/>` +
        `<text x="${x}" y="${top - 8}" text-anchor="middle" fill="#57606a">${escapeXml(`baseline ${formatNumber(reference)}`)}</text>`,
    );
  }
  if (showLegend) {
    let x = PAD;
    for (const name of series) {
      parts.push(
        `<rect x="${x}" y="${legendY}" width="10" height="10" fill="${colourOf(name)}"/><text x="${x + 14}" y="${legendY + 9}">${escapeXml(name)}</text>`,
      );
      x += 24 + name.length * CHAR_PX;
    }
  }

  const summary = [description, spoken.join("; ")].filter(Boolean).join(" ");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="title desc">`,
    `<title id="title">${escapeXml(title)}</title>`,
    `<desc id="desc">${escapeXml(summary)}</desc>`,
    `<rect x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="6" fill="#ffffff" stroke="#d0d7de"/>`,
    `<g style="${FONT};font-size:12px" fill="#1f2328">`,
    `<text x="${PAD}" y="${PAD + 12}" style="font-size:14px;font-weight:600">${escapeXml(title)}</text>`,
    ...parts,
    "</g>",
    "</svg>",
    "",
  ].join("\n");
}
