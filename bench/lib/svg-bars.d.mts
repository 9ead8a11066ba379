export const SERIES_COLOURS: string[];
/** Text safe in XML content and attributes. */
export function escapeXml(value: unknown): string;
export function formatNumber(value: number, digits?: number): string;
/** A horizontal bar chart as a self-contained, accessible SVG document. */
export function renderBarChart(chart: {
  title: string;
  description?: string;
  unit?: string;
  groups: { label: string; bars: { series?: string; value: number }[] }[];
  reference?: number;
}): string;
