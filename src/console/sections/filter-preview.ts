import { applyFilter, compileFilter } from "../../filters/apply-filter";
import type { PreviewOutcome } from "../filter-preview-view";
import type { DebuggerPick } from "./debugger-picks";
import { text, type PostedForm } from "../form";
import { eventOf, filterFormOf, filterOf, type FilterFormValues } from "./destination-form";

/** The preview form as posted: the filter, the event's JSON, and the debugger event picked (if any) of which source. */
export interface PreviewFormValues {
  filter: FilterFormValues;
  event: string;
  /** A debugger entry's id, or "" for the JSON. */
  entry: string;
  debuggerSource: string;
}

export function previewFormOf(form: PostedForm): PreviewFormValues {
  return { filter: filterFormOf(form), event: text(form, "event"), entry: text(form, "entry"), debuggerSource: text(form, "debuggerSource") };
}

/**
 * The filter tried on the debugger event picked, else on the JSON: `POST /api/v1/filters/preview`'s
 * steps (its schemas, then compile and apply as live delivery does), or what to fix.
 * `picked` is the entry named by `values.entry` among the source's newest, if it still is.
 */
export async function previewOutcomeOf(values: PreviewFormValues, picked: DebuggerPick | undefined): Promise<PreviewOutcome> {
  if (values.entry && !picked) {
    return { error: "Event: the one picked is no longer among the newest events of this source's debugger. Pick another, or use the JSON." };
  }
  const filter = filterOf(values.filter);
  if (!filter.ok) return { error: filter.message };
  const event = picked ? ({ ok: true, event: picked.event } as const) : eventOf(values.event);
  if (!event.ok) return { error: event.message };
  const outcome = await applyFilter(compileFilter(filter), event.event);
  return { result: { matched: outcome.matched === true, event: outcome.event }, against: picked?.label };
}
