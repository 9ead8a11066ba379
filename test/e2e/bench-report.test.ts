import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSummary, writeReport } from "../../bench/report.mjs";
import { chartsForSection, renderReport } from "../../bench/lib/report.mjs";

// The bench report renderer (bench/lib/report.mjs) is pure Node: no server involved.

const HOSTILE = `<script>alert("x")</script>&'|*_[`;

const summary = {
  bench: "sluice",
  node: "v20.20.2",
  startedAt: "2026-01-02T10:00:00.000Z",
  cores: 2,
  stateOn: "tmpfs",
  sections: ["sdk", "edge", "consolePages", "ingestDomain"],
  sdk: { sdkRawBytes: 11069, sdkGzipBytes: 4861, analyticsNextGzipBytes: 31234, sdkVsAnalyticsNextRatio: 0.16 },
  edge: {
    healthP50Ms: 3.1,
    healthP99Ms: 9.5,
    trackP50Ms: 5.2,
    trackP99Ms: 14.2,
    healthRps: 1900,
    trackRps: 1200,
    failures: { track: { "503": 2 } },
    batchBacklogDrainSeconds: null,
  },
  consolePages: { loadsPerPage: 20, p50Ms: { "/console": 12.3, [HOSTILE]: 80.2 } },
  ingestDomain: { batchSize: 100, acceptBatchEventsPerSec: 40123 },
  cost: { usdPerMillionEvents: 0.42, shares: { queues: 0.5, [HOSTILE]: 0.3, workers: 0.2 } },
  serverReloads: 0,
  totalSeconds: 321.4,
};

/**
 * Well-formedness for the XML the renderer writes (elements, quoted attributes, text, entities):
 * every tag closes in order, and no raw `<` or bare `&` is left in text or attribute values.
 */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const match of xml.matchAll(token)) {
    const [, closing, name, attributes, selfClosing, text, stray] = match;
    if (stray) throw new Error(`a raw "<" at ${match.index}: ${xml.slice(match.index, match.index + 40)}`);
    const content = text ?? attributes ?? "";
    const bareAmpersand = /&(?!(?:amp|lt|gt|quot|#\d+);)/.exec(content);
    if (bareAmpersand) throw new Error(`a bare "&" in ${JSON.stringify(content.slice(0, 80))}`);
    if (!name) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClosing) {
      stack.push(name);
    }
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(", ")}`);
}

describe("bench report", () => {
  const { markdown, charts } = renderReport(summary);

  it("has a title with the run's date and machine, and a table per section (cost too) with its figures", () => {
    expect(markdown).toMatch(/^# Sluice bench report\n/);
    expect(markdown).toContain("run started 2026-01-02T10:00:00.000Z · 2 cores · Node v20.20.2 · state on tmpfs");
    for (const section of ["sdk", "edge", "consolePages", "ingestDomain", "cost"]) expect(markdown).toContain(`\n## ${section}\n\n| figure | value |`);
    expect(markdown).toContain("| sdkGzipBytes | 4,861 |");
    expect(markdown).toContain("| failures.track.503 | 2 |");
    expect(markdown, "null: not measured").toContain("| batchBacklogDrainSeconds | — |");
    expect(markdown).toContain("| totalSeconds | 321.4 |");
  });

  it("charts sizes, requests/s, latency percentiles, ratios, nested figures and cost shares, each linked from the markdown", () => {
    expect(Object.keys(charts).sort()).toEqual([
      "console-pages-p50-ms.svg",
      "cost-shares.svg",
      "edge-latency.svg",
      "edge-rps.svg",
      "sdk-bytes.svg",
      "sdk-ratio.svg",
    ]);
    for (const file of Object.keys(charts)) expect(markdown).toContain(`](${file})`);
    const latency = charts["edge-latency.svg"]!;
    expect(latency).toContain("<title>track (p99): 14.2 ms</title>");
    expect(latency, "legend of the two series").toMatch(/>p50<\/text>[\s\S]*>p99<\/text>/);
    expect(charts["sdk-bytes.svg"]).toContain("31,234 bytes");
    expect(charts["sdk-ratio.svg"], "ratios are drawn against a baseline of 1").toContain("baseline 1");
    expect(charts["cost-shares.svg"]).toContain("50 %");
  });

  it("skips charts whose figures are absent: one figure of a kind, no cost shares, no numbers", () => {
    expect(chartsForSection("ingestDomain", summary.ingestDomain), "a single per-second figure compares with nothing").toEqual([]);
    expect(chartsForSection("cost", { usdPerMillionEvents: 0.42 })).toEqual([]);
    expect(chartsForSection("edge", { healthP50Ms: null, trackP50Ms: "n/a", failures: {} })).toEqual([]);
    const { charts: none } = renderReport({ bench: "sluice", sections: [] });
    expect(none).toEqual({});
  });

  it("writes self-contained, accessible SVG documents that are well-formed XML", () => {
    for (const [file, svg] of Object.entries(charts)) {
      expect(() => checkWellFormed(svg), file).not.toThrow();
      expect(svg, file).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img" aria-labelledby="title desc">/);
      expect(svg, file).toMatch(/<title id="title">[^<]+<\/title>\n<desc id="desc">[^<]+<\/desc>/);
      expect(svg, `${file}: a white card, legible on dark pages too`).toContain('fill="#ffffff"');
      expect(svg, `${file}: nothing fetched from elsewhere`).not.toMatch(/href=|url\(|@import/);
    }
  });

  it("escapes labels that are data, in the SVG and in the markdown", () => {
    for (const file of ["console-pages-p50-ms.svg", "cost-shares.svg"]) {
      const svg = charts[file]!;
      expect(svg).not.toContain("<script");
      expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;|*_[");
    }
    expect(markdown).not.toContain("<script");
    expect(markdown).toContain('| p50Ms.&lt;script&gt;alert("x")&lt;/script&gt;&amp;\'\\|\\*\\_\\[ | 80.2 |');
    expect(() => checkWellFormed(`<a>${HOSTILE}</a>`), "the checker itself catches raw markup").toThrow();
  });

  it("is written to a directory as report.md beside its charts, from a bench's stdout whose last JSON line is the summary", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-bench-report-"));
    const stdout = `some progress line\n{"not": "the summary"}\n${JSON.stringify(summary)}\n`;
    const path = writeReport(parseSummary(stdout), dir);
    expect(path).toBe(join(dir, "report.md"));
    expect(readFileSync(path, "utf8")).toBe(markdown);
    expect(readdirSync(dir).sort()).toEqual(["report.md", ...Object.keys(charts)].sort());
    expect(() => parseSummary("no summary here\n")).toThrow(/no JSON summary line/);
  });
});
