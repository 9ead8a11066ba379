import type { CatalogEntry } from "../../destinations/actions/catalog";
import type { Destination } from "../../destinations/destination-store";
import { previewDestination } from "../../destinations/preview";
import type { RegisteredDestinationType, UnitContext } from "../../destinations/types";
import { text, type PostedForm } from "../form";
import type { RequestPreviewOutcome } from "../request-preview-view";
import type { DebuggerPick } from "./debugger-picks";
import { eventOf } from "./destination-form";

/** The request preview's form as posted: the event's JSON, and the debugger event picked (if any) of which source. */
export interface RequestPreviewValues {
  event: string;
  /** A debugger entry's id, or "" for the JSON. */
  entry: string;
  debuggerSource: string;
}

export function requestPreviewFormOf(form: PostedForm): RequestPreviewValues {
  return { event: text(form, "event"), entry: text(form, "entry"), debuggerSource: text(form, "debuggerSource") };
}

/**
 * The requests each mapping would send for the debugger event picked, else the JSON, without
 * sending them: `POST /api/v1/destinations/:id/preview`'s code (previewDestination), or what to fix.
 * `picked` is the entry named by `values.entry` among the source's newest, if it still is.
 */
export async function previewRequests(
  type: RegisteredDestinationType,
  destination: Destination,
  entry: CatalogEntry,
  values: RequestPreviewValues,
  picked: DebuggerPick | undefined,
  context?: UnitContext,
): Promise<RequestPreviewOutcome> {
  if (values.entry && !picked) {
    return { error: "Event: the one picked is no longer among the newest events of this source's debugger. Pick another, or use the JSON." };
  }
  const event = picked ? ({ ok: true, event: picked.event } as const) : eventOf(values.event);
  if (!event.ok) return { error: event.message };
  const titles = Object.fromEntries(entry.actions.map((action) => [action.key, action.title]));
  try {
    return { mappings: await previewDestination(type, destination, event.event, context), titles, against: picked?.label };
  } catch (error) {
    return { error: `The preview failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
