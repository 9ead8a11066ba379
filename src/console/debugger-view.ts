import type { DebuggerEntry, Journey } from "../debugger/entry";
import { h, type ViewElement } from "./view-node";

/**
 * One debugger entry as markup, described once as a view tree (view-node.ts) so the server and
 * the page script (src/console/client/debugger.ts) render the same thing from the same entry.
 * Pure (no DOM, no Workers API): bundled into the page script as it is.
 */
export type { ViewElement, ViewNode } from "./view-node";

type Fields = Record<string, unknown>;
const fieldsOf = (value: unknown): Fields => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : {});
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const json = (value: unknown): string => JSON.stringify(value, null, 2) ?? "undefined";

/** The Segment call that would have produced `event`, as analytics.js code; null when it names no known type. */
export function describeCall(event: unknown): string | null {
  const e = fieldsOf(event);
  const call = (method: string, ...args: unknown[]) => {
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    return `analytics.${method}(${args.map((arg) => json(arg ?? null)).join(", ")})`;
  };
  switch (e.type) {
    case "track":
      return call("track", e.event, e.properties);
    case "page":
      return call("page", ...(text(e.category) ? [e.category] : []), e.name, e.properties);
    case "screen":
      return call("screen", e.name, e.properties);
    case "identify":
      return call("identify", e.userId, e.traits);
    case "group":
      return call("group", e.groupId, e.traits);
    case "alias":
      return call("alias", e.userId, e.previousId);
    default:
      return null;
  }
}

/** What the entry's one-line summary names: the call type, what it is about, and who. */
export function summarize(entry: DebuggerEntry): { type: string; name: string; who: string } {
  const e = fieldsOf(entry.event);
  const type = text(e.type) ?? "unknown";
  const name =
    type === "track"
      ? text(e.event)
      : type === "page" || type === "screen"
        ? text(e.name)
        : type === "group"
          ? text(e.groupId)
          : type === "alias"
            ? text(e.previousId)
            : undefined;
  const user = text(e.userId) ?? text(e.anonymousId);
  const who = text(e.userId) ? `user ${user}` : user ? `anonymous ${user}` : "no user";
  return { type, name: name ?? (entry.omitted ? `${entry.omitted.bytes} bytes, too big to keep` : ""), who };
}

const KIND_LABEL = { accepted: "Accepted", invalid: "Invalid", duplicate: "Duplicate" } as const;

/** The entry's journey through the pipeline, one line each, in pipeline order. */
export function journeyLines(entry: DebuggerEntry): { tone: "ok" | "bad" | "wait"; label: string; detail: string }[] {
  if (entry.kind === "invalid") {
    const error = entry.error;
    return [{ tone: "bad", label: "Refused", detail: error ? `${error.message}${error.field ? ` (field: ${error.field})` : ""}` : "by the Tracking API" }];
  }
  if (entry.kind === "duplicate") {
    return [{ tone: "bad", label: "Duplicate", detail: `messageId ${entry.messageId ?? "?"} was already archived: dropped, not delivered again` }];
  }
  const journey: Journey = entry.journey;
  const lines: ReturnType<typeof journeyLines> = [];
  const plan = journey.plan;
  if (plan) {
    const violations = plan.violations.map((v) => `${v.type}: ${v.field ? `${v.field}: ` : ""}${v.description}`);
    const tone = plan.verdict === "passed" ? "ok" : plan.verdict === "not-checked" ? "wait" : "bad";
    lines.push({ tone, label: `Plan ${plan.verdict}`, detail: violations.length > 0 ? violations.join("; ") : "no violations" });
  }
  if (journey.blocked) lines.push({ tone: "bad", label: "Blocked", detail: journey.blocked });
  if (journey.archived !== undefined) {
    lines.push(journey.archived ? { tone: "ok", label: "Archived", detail: "in R2" } : { tone: "bad", label: "Not archived", detail: "" });
  }
  for (const [destination, delivery] of Object.entries(journey.deliveries ?? {})) {
    const tone = delivery.status === "delivered" ? "ok" : delivery.status === "retrying" ? "wait" : "bad";
    const attempts = `${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}`;
    lines.push({ tone, label: `${destination}: ${delivery.status}`, detail: `${delivery.outcome}, ${attempts}` });
  }
  if (lines.length === 0) lines.push({ tone: "wait", label: "In the pipeline", detail: "its journey appears as the stages report" });
  return lines;
}

/** What the summary line names: the event, or for an invalid one what was wrong with it. */
function summaryName(entry: DebuggerEntry, type: string, name: string): string {
  if (entry.kind === "invalid" && entry.error) return entry.error.message;
  if (entry.kind === "accepted") return name;
  return [type === "unknown" ? "" : type, name].filter(Boolean).join(" ");
}

/** One entry as a list item: a summary line, and when opened its error, journey, pretty call and raw JSON. */
export function entryView(entry: DebuggerEntry): ViewElement {
  const { type, name, who } = summarize(entry);
  const call = entry.event === null ? null : describeCall(entry.event);
  const raw = entry.omitted ? entry.omitted.preview : json(entry.event);
  return h(
    "li",
    { class: `entry ${entry.kind}`, "data-id": entry.id },
    h(
      "details",
      null,
      h(
        "summary",
        null,
        h("span", { class: `kind ${entry.kind}` }, entry.kind === "accepted" ? type : KIND_LABEL[entry.kind]),
        h("span", { class: "name" }, summaryName(entry, type, name)),
        h("span", { class: "who" }, who),
        h("time", { datetime: entry.receivedAt, title: entry.receivedAt }, entry.receivedAt.slice(11, 19)),
      ),
      h(
        "div",
        { class: "detail" },
        entry.error ? h("p", { class: "error" }, `The client was told: ${entry.error.message}`) : null,
        h("h3", null, "Journey"),
        h(
          "ul",
          { class: "journey" },
          ...journeyLines(entry).map((line) => h("li", { class: line.tone }, h("strong", null, line.label), line.detail ? ` ${line.detail}` : "")),
        ),
        call ? h("h3", null, "Call") : null,
        // A long event scrolls inside its box: focusable, so the keyboard can scroll it too.
        call ? h("pre", { class: "code", tabindex: "0" }, call) : null,
        h("h3", null, entry.omitted ? `Raw JSON (first ${entry.omitted.preview.length} characters of ${entry.omitted.bytes} bytes)` : "Raw JSON"),
        h("pre", { class: "raw", tabindex: "0" }, raw),
      ),
    ),
  );
}

/** Whether an entry's text (its raw JSON, error and journey, as shown) holds `query`, ignoring case. */
export function matchesQuery(shownText: string, query: string): boolean {
  const wanted = query.trim().toLowerCase();
  return wanted === "" || shownText.toLowerCase().includes(wanted);
}
