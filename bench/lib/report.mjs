// The bench report: a markdown page of the JSON summary's figures, one table per section, with
// SVG bar charts where figures compare (sizes, requests/s, latency percentiles, ratios against a
// baseline, cost shares). Pure: summary in, strings out; bench/report.mjs writes the files.
//
// Charts are chosen by how figure keys end, so a section added later is charted without edits
// here; a kind with nothing to compare (fewer than two figures, or no `cost.shares`) is skipped.
import { formatNumber, renderBarChart } from "./svg-bars.mjs";

/**
 * Figure kinds charted per section. `series` splits a key into the thing measured (its stem) and
 * the series it belongs to, so `trackP50Ms` and `trackP99Ms` are two bars of one `track` group.
 */
const KINDS = [
  { kind: "latency", pattern: /^(.*?)(P50|P95|P99|Median)Ms$/, unit: "ms", title: "latency", series: true },
  { kind: "rps", pattern: /^(.*)Rps$/, unit: "req/s", title: "requests per second" },
  { kind: "throughput", pattern: /^(.*?)(?:EventsPerSec|EventsPerSecond|PerSec|PerSecond)$/, unit: "/s", title: "per second" },
  { kind: "bytes", pattern: /^(.*)Bytes$/, unit: "bytes", title: "size" },
  { kind: "ratio", pattern: /^(.*)Ratio$/, unit: "×", title: "ratios against their baselines, 1 = same as the baseline", reference: 1, min: 1 },
];

/** Units of a nested `{name: number}` figure (e.g. `consolePages.p50Ms`), by how its key ends. */
const NESTED_UNITS = [
  [/Ms$/, "ms"],
  [/Bytes$/, "bytes"],
  [/Rps$/, "req/s"],
  [/Ratio$/, "×"],
  [/(PerSec|PerSecond)$/, "/s"],
];

const isPlainObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
const isFiniteNumber = (value) => typeof value === "number" && Number.isFinite(value);

/** Text as a markdown table cell shows it literally: markdown and HTML specials escaped, one line. */
export function escapeMarkdown(value) {
  return String(value)
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_[\]|#]/g, "\\$&")
    .replace(/[&<>]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[char]);
}

/** A figure as its table cell shows it. */
function formatValue(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return Number.isFinite(value) ? formatNumber(value, 4) : String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) return value.join(", ");
  if (typeof value === "object") {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 199)}…` : json;
  }
  return String(value);
}

/** `[dotted key, value]` for every leaf of a section (arrays are leaves). */
function flatten(value, prefix = "") {
  if (!isPlainObject(value)) return [[prefix, value]];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix ? [[prefix, "{}"]] : [];
  return entries.flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
}

/** File-name-safe slug of data (section and figure names). */
const slug = (text) =>
  String(text)
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60) || "chart";

/** The charts of one section: `[{ id, title, unit, groups, reference? }]`. */
export function chartsForSection(name, section) {
  const charts = [];
  for (const { kind, pattern, unit, title, series, reference, min = 2 } of KINDS) {
    const groups = new Map();
    let bars = 0;
    for (const [key, value] of Object.entries(section)) {
      const match = isFiniteNumber(value) ? pattern.exec(key) : null;
      if (!match) continue;
      // Without series, each figure is its own bar, labelled by its whole key.
      const label = series ? match[1] || key : key;
      if (!groups.has(label)) groups.set(label, { label, bars: [] });
      groups.get(label).bars.push({ series: series ? match[2].toLowerCase() : undefined, value });
      bars++;
    }
    if (bars >= min) charts.push({ id: `${slug(name)}-${kind}`, title: `${name}: ${title}`, unit, groups: [...groups.values()], reference });
  }
  for (const [key, value] of Object.entries(section)) {
    const unit = NESTED_UNITS.find(([pattern]) => pattern.test(key))?.[1];
    if (!unit || !isPlainObject(value)) continue;
    const entries = Object.entries(value).filter(([, inner]) => isFiniteNumber(inner));
    if (entries.length < 2) continue;
    charts.push({
      id: `${slug(name)}-${slug(key)}`,
      title: `${name}: ${key}`,
      unit,
      groups: entries.map(([label, inner]) => ({ label, bars: [{ value: inner }] })),
    });
  }
  if (name === "cost" && isPlainObject(section.shares)) {
    const shares = Object.entries(section.shares)
      .filter(([, share]) => isFiniteNumber(share))
      .sort(([, a], [, b]) => b - a);
    if (shares.length > 0) {
      charts.push({
        id: "cost-shares",
        title: "cost: share of the cost per event, by stage",
        unit: "%",
        groups: shares.map(([stage, share]) => ({ label: stage, bars: [{ value: Math.round(share * 1000) / 10 }] })),
      });
    }
  }
  return charts;
}

/** Summary keys that are sections (objects), in the order the run lists them, then any others. */
function sectionNames(summary) {
  const listed = Array.isArray(summary.sections) ? summary.sections.filter((name) => isPlainObject(summary[name])) : [];
  const others = Object.keys(summary).filter((key) => isPlainObject(summary[key]) && !listed.includes(key));
  return [...listed, ...others];
}

function table(rows) {
  return ["| figure | value |", "|---|---:|", ...rows.map(([key, value]) => `| ${escapeMarkdown(key)} | ${escapeMarkdown(formatValue(value))} |`)].join("\n");
}

/**
 * The report for `summary` (the bench's JSON summary line, parsed). `renderedAt` is shown only
 * when the summary has no `startedAt`. Returns the markdown and the charts it links to, by file
 * name (`{ "sdk-bytes.svg": "<svg…" }`), to be written side by side.
 */
export function renderReport(summary, { renderedAt = new Date() } = {}) {
  const names = sectionNames(summary);
  const charts = {};
  const fileName = (id) => {
    let name = `${id}.svg`;
    for (let n = 2; name in charts; n++) name = `${id}-${n}.svg`;
    return name;
  };

  const when = summary.startedAt ? `run started ${summary.startedAt}` : `rendered ${renderedAt.toISOString()}`;
  const machine = [
    summary.cores ? `${summary.cores} cores` : "cores not recorded",
    summary.cpu ? String(summary.cpu) : null,
    summary.node ? `Node ${summary.node}` : null,
    summary.stateOn ? `state on ${summary.stateOn}` : null,
  ].filter(Boolean);
  const lines = [`# Sluice bench report`, "", escapeMarkdown(`${when} · ${machine.join(" · ")}`), ""];
  lines.push(`Sections: ${names.length ? names.map(escapeMarkdown).join(", ") : "none"}.`, "");

  const run = Object.entries(summary).filter(([key, value]) => !isPlainObject(value) && value !== undefined && key !== "sections");
  if (run.length) lines.push("## Run", "", table(run), "");

  for (const name of names) {
    lines.push(`## ${escapeMarkdown(name)}`, "", table(flatten(summary[name])), "");
    for (const chart of chartsForSection(name, summary[name])) {
      const file = fileName(chart.id);
      charts[file] = renderBarChart(chart);
      lines.push(`![${escapeMarkdown(chart.title.replace(/[()]/g, ""))}](${file})`, "");
    }
  }
  lines.push("<sub>Written by npm run bench (or npm run bench:report from a saved summary) from its JSON summary line.</sub>", "");
  return { markdown: lines.join("\n"), charts };
}
