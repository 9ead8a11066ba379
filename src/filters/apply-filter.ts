import { applyFilterActions, type FilterAction } from "./actions";
import { evaluateFql, parseFql } from "./fql";

/** A destination filter as saved: its FQL condition (`if`) and its actions. */
export interface FilterDefinition {
  if: string;
  actions: readonly FilterAction[];
}

/** A filter ready for many events: its condition parsed once (per consumer batch, per preview). */
export interface CompiledFilter {
  /** The filter's FQL condition; "error" when the event cannot be evaluated. */
  matches: (event: Record<string, unknown>) => boolean | "error";
  actions: readonly FilterAction[];
}

/** What one filter did to one event: whether its condition held, and the event after it (null: dropped). */
export interface FilterOutcome {
  matched: boolean | "error";
  event: Record<string, unknown> | null;
}

/**
 * `all` is Segment's condition for "every event". A condition that does not parse matches no
 * event and drops every one (fail-closed); saving refuses such conditions, so only a hand-edited
 * row can hold one.
 */
export function compileFilter(filter: FilterDefinition): CompiledFilter {
  if (filter.if.trim() === "all") return { matches: () => true, actions: filter.actions };
  const parsed = parseFql(filter.if);
  if (!parsed.ok) return { matches: () => "error", actions: filter.actions };
  return { matches: (event) => evaluateFql(parsed.expression, event), actions: filter.actions };
}

/**
 * One filter on one event, as live delivery and replays apply it: when the condition holds, the
 * actions run; when it cannot be evaluated, the event is dropped, as Segment does "to ensure that
 * invalid FQL doesn't cause sensitive information like PII to be incorrectly sent" (FQL docs).
 * SAMPLE is deterministic (actions.ts), so no randomness is passed in.
 */
export async function applyFilter(filter: CompiledFilter, event: Record<string, unknown>): Promise<FilterOutcome> {
  const matched = filter.matches(event);
  if (matched === "error") return { matched, event: null };
  return { matched, event: matched ? await applyFilterActions(event, filter.actions) : event };
}
