export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  groups: { label: string; bars: { series?: string; value: number }[] }[];
  reference?: number;
}
/** The markdown report for a bench summary, and its charts by file name (`sdk-bytes.svg` → SVG text). */
export function renderReport(summary: Record<string, unknown>, options?: { renderedAt?: Date }): { markdown: string; charts: Record<string, string> };
/** The charts one section's figures call for (skipped when there is nothing to compare). */
export function chartsForSection(name: string, section: Record<string, unknown>): ChartSpec[];
/** Text shown literally in a markdown table cell. */
export function escapeMarkdown(value: unknown): string;
