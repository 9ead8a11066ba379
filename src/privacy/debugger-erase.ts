import type { DebuggerEntry } from "../debugger/entry";
import { countCoveredValues, namesCoveredPerson, type Covered } from "./covered";

/**
 * Whether a live debugger entry holds a covered person: their event (accepted or duplicate) by
 * its identifiers, or any covered identifier value in what it keeps of an invalid payload (which
 * may be missing the ids that would name it), including the preview of one too big to keep.
 */
export function entryHoldsCoveredPerson(entry: DebuggerEntry, covered: Covered): boolean {
  if (namesCoveredPerson(entry.event, covered) || countCoveredValues(entry.event, covered) > 0) return true;
  const preview = entry.omitted?.preview;
  return preview !== undefined && [...covered.values].some((value) => preview.includes(JSON.stringify(value)));
}
