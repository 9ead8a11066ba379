import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults, Result } from "axe-core";
import type { Page } from "playwright-core";

/** axe-core in the console's browser tests: running it under the console's CSP, and reading what it found. */

/**
 * axe-core's engine, evaluated into each page by the test runner (the DevTools protocol), not
 * added as a <script>: the console's CSP allows scripts from 'self' only, so an inline script tag
 * would be refused, and turning the CSP off (`bypassCSP`) would test a page the console never
 * serves.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** One line per violation: what rule, how bad, where, and what to do. */
export function describeViolations(violations: readonly Result[]): string {
  return violations
    .map((violation) => {
      const targets = violation.nodes
        .slice(0, 5)
        .map((node) => `${node.target.join(" ")}${node.failureSummary ? ` (${node.failureSummary.replace(/\s+/g, " ")})` : ""}`)
        .join("; ");
      return `${violation.id} [${violation.impact ?? "?"}]: ${violation.help} (${violation.helpUrl}) at ${targets}`;
    })
    .join("\n");
}

/** Runs axe on what the page shows now; answers every violation it finds. */
export async function axeViolations(page: Page): Promise<Result[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe.run(document, { resultTypes: ["violations"] }),
  );
  return results.violations;
}

export const isSerious = (violation: Result) => violation.impact === "serious" || violation.impact === "critical";

/**
 * How far the page reaches past the viewport's right edge, in CSS pixels (0: no sideways
 * scroll), and what sticks out: each element past the edge whose parent is not.
 */
export const horizontalOverflow = (page: Page) =>
  page.evaluate(() => {
    const edge = window.innerWidth + 1;
    const culprits = Array.from(document.body.querySelectorAll("*"))
      .filter((element) => element.getBoundingClientRect().right > edge && (element.parentElement?.getBoundingClientRect().right ?? 0) <= edge)
      .slice(0, 5)
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(" ").join(".")}` : ""} "${(element.textContent ?? "").trim().slice(0, 40)}"`,
      );
    return { pixels: document.scrollingElement!.scrollWidth - window.innerWidth, culprits };
  });
