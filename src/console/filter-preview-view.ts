import { h, type ViewNode } from "./view-node";

/** What trying a filter on one event gave: its verdict (and the event it was tried on, when picked from the debugger), or what to fix. */
export type PreviewOutcome = { result: { matched: boolean; event: Record<string, unknown> | null }; against?: string | undefined } | { error: string };

/**
 * The verdict as markup, rendered by the destination page on the server and by its page script
 * (src/console/client/filter-preview.ts) as the filter is typed, so both show the same thing.
 * Pure: bundled into that script as it is.
 */
export function previewView(outcome: PreviewOutcome): ViewNode[] {
  if ("error" in outcome) return [h("p", { class: "error" }, outcome.error)];
  const { matched, event } = outcome.result;
  const nodes: ViewNode[] = [];
  if (outcome.against) nodes.push(h("p", { class: "muted" }, `Tried on ${outcome.against}, from the debugger.`));
  nodes.push(
    h(
      "p",
      null,
      h("span", { class: `pill ${matched ? "pill-ok" : "pill-off"}` }, matched ? "Matched" : "Not matched"),
      " ",
      event === null ? h("b", null, "Dropped: the destination would not receive this event.") : "The destination would receive:",
    ),
  );
  if (event !== null) nodes.push(h("pre", { class: "mono", tabindex: "0" }, JSON.stringify(event, null, 2)));
  return nodes;
}
