import { h, type ViewNode } from "./view-node";

/** One mapping's preview, as `previewDestination` (src/destinations/preview.ts) gives it: declared here so page scripts need no Workers types. */
export interface MappingPreview {
  name: string;
  partnerAction: string | null;
  subscribe: string | null;
  matched: boolean;
  requests: { method: string; url: string; headers: Record<string, string>; body: string }[];
  error: string | null;
}

/** What previewing an event gave: per mapping, with the actions' titles (and the debugger event it was tried on), or what to fix. */
export type RequestPreviewOutcome = { mappings: MappingPreview[]; titles: Record<string, string>; against?: string | undefined } | { error: string };

/** A body as sent, pretty-printed when it is JSON. */
export function prettyBody(body: string): string {
  if (!body) return "";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

const requestText = (request: MappingPreview["requests"][number]) =>
  [...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`), "", prettyBody(request.body)].join("\n").trim();

function mappingView(preview: MappingPreview, titles: Record<string, string>): ViewNode {
  const disabled = !preview.matched && preview.error === "disabled";
  const pill = disabled
    ? h("span", { class: "pill pill-off" }, "Disabled")
    : h("span", { class: `pill ${preview.matched ? "pill-ok" : "pill-off"}` }, preview.matched ? "Matched" : "Not matched");
  const action = preview.partnerAction ? (titles[preview.partnerAction] ?? preview.partnerAction) : null;
  return h(
    "div",
    { class: "mapping-preview" },
    h("h3", null, preview.name, " ", pill),
    action || preview.subscribe
      ? h(
          "p",
          { class: "muted" },
          ...(action ? [`Action: ${action}`] : []),
          ...(preview.subscribe ? [action ? " · if " : "If ", h("code", null, preview.subscribe)] : []),
        )
      : null,
    preview.error && !disabled ? h("p", { class: "error" }, `Would not send: ${preview.error}`) : null,
    ...preview.requests.flatMap((request) => [
      h("p", { class: "request-line" }, h("b", null, request.method), " ", h("code", null, request.url)),
      h("pre", { class: "mono", tabindex: "0" }, requestText(request)),
    ]),
    preview.matched && preview.requests.length === 0 && !preview.error ? h("p", { class: "muted" }, "Matched, but its action sent no request.") : null,
  );
}

/**
 * The preview as markup, rendered by the destination page on the server and by its page script
 * (src/console/client/request-preview.ts), so both show the same thing. Pure.
 */
export function requestPreviewView(outcome: RequestPreviewOutcome): ViewNode[] {
  if ("error" in outcome) return [h("p", { class: "error" }, outcome.error)];
  const nodes: ViewNode[] = [];
  if (outcome.against) nodes.push(h("p", { class: "muted" }, `Tried on ${outcome.against}, from the debugger.`));
  if (outcome.mappings.length === 0) return [...nodes, h("p", null, "No mappings: nothing would be sent. Add a mapping above, then preview again.")];
  const matched = outcome.mappings.filter((mapping) => mapping.matched).length;
  nodes.push(
    h(
      "p",
      null,
      `${matched} of ${outcome.mappings.length} ${outcome.mappings.length === 1 ? "mapping matches" : "mappings match"} this event. Nothing was sent: secrets show as ********.`,
    ),
  );
  return [...nodes, ...outcome.mappings.map((mapping) => mappingView(mapping, outcome.titles))];
}
