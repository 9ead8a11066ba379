import type { DebuggerEntry } from "../../debugger/entry";
import { summarize } from "../debugger-view";

/** How many of a source's newest debugger events the filter preview offers. */
export const PICKS_SHOWN = 20;

/** A debugger event the filter preview can be tried on: its entry id, how it is shown, the event. */
export interface DebuggerPick {
  id: string;
  /** Type, name, who and when, e.g. `track "Order Completed" · user u1 · 2026-05-01 10:00:03 UTC`. */
  label: string;
  event: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The newest accepted events of a debugger buffer (already newest first), as the preview offers
 * them: only what reached the pipeline whole can meet a destination's filters, so refused
 * payloads, duplicates and events too big to keep are left out.
 */
export function pickableEntries(entries: readonly DebuggerEntry[], limit = PICKS_SHOWN): DebuggerPick[] {
  const picks: DebuggerPick[] = [];
  for (const entry of entries) {
    if (picks.length >= limit) break;
    if (entry.kind !== "accepted" || !isObject(entry.event)) continue;
    const { type, name, who } = summarize(entry);
    const when = `${entry.receivedAt.slice(0, 10)} ${entry.receivedAt.slice(11, 19)} UTC`;
    picks.push({ id: entry.id, label: [name ? `${type} "${name}"` : type, who, when].join(" · "), event: entry.event });
  }
  return picks;
}

/** Whose debugger the preview offers: the source asked for, else the destination's first source, else the first there is. */
export function debuggerSourceOf(requested: string, connected: readonly string[], sources: readonly { id: string }[]): string | null {
  const known = (id: string | undefined) => id !== undefined && sources.some((source) => source.id === id);
  if (known(requested)) return requested;
  const first = connected.find(known);
  return first ?? sources[0]?.id ?? null;
}
