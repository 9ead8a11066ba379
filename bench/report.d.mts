/** Where `npm run bench` writes its report: bench-results/ at the repository root. */
export const DEFAULT_REPORT_DIR: string;
/** Writes report.md and its SVG charts into `dir`; returns the report's path. */
export function writeReport(summary: Record<string, unknown>, dir?: string): string;
/** The summary in a bench's stdout (its last JSON line) or in a saved summary. */
export function parseSummary(text: string): Record<string, unknown>;
