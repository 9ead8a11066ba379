import { capEntry, mergeJourney, type DebuggerEntry, type JourneyUpdate } from "./entry";

export interface BufferLimits {
  maxEntries: number;
  /** Budget for the entries' JSON, so the buffer's memory and one `recent()` answer stay bounded. */
  maxBytes: number;
}

/** DESIGN.md: the newest events, at most 500; 2 MB of JSON is 4 KB an event on average. */
export const DEBUGGER_LIMITS: BufferLimits = { maxEntries: 500, maxBytes: 2 * 1024 * 1024 };

/** An entry as the buffer holds it: `seq` orders entries received in the same millisecond. */
export interface StoredEntry {
  seq: number;
  entry: DebuggerEntry;
  bytes: number;
}

/** What a call changed: entries to save and show (new or merged, still held), ids to delete. */
export interface BufferChange {
  /**
   * Oldest first: a live view puts each entry it receives above those as old as it, so entries
   * sharing one `receivedAt` (every event of one request) end up newest first, as `recent()`.
   */
  saved: StoredEntry[];
  evicted: string[];
}

/**
 * A source's newest events, newest first (by `receivedAt`, then by arrival), within the limits:
 * the oldest leave first. Pure: the DebuggerObject persists the changes each call answers.
 */
export class DebuggerBuffer {
  private entries: StoredEntry[];
  private nextSeq: number;

  constructor(
    stored: readonly StoredEntry[] = [],
    private readonly limits: BufferLimits = DEBUGGER_LIMITS,
  ) {
    this.entries = [...stored].sort(newestFirst);
    this.nextSeq = Math.max(0, ...stored.map((stored) => stored.seq)) + 1;
  }

  /**
   * Adds entries; one whose id is already held (a redelivered batch, a retried message) merges its
   * journey into the one held instead of appearing twice.
   */
  record(entries: readonly DebuggerEntry[]): BufferChange {
    const changed = new Set<string>();
    for (const incoming of entries) {
      const index = this.entries.findIndex((stored) => stored.entry.id === incoming.id);
      if (index >= 0) {
        this.replace(index, { ...this.entries[index]!.entry, journey: mergeJourney(this.entries[index]!.entry.journey, incoming.journey) });
      } else {
        const { entry, bytes } = capEntry(incoming);
        this.insert({ seq: this.nextSeq++, entry, bytes });
      }
      changed.add(incoming.id);
    }
    return this.trim(changed);
  }

  /** Folds later stages' news into the accepted entries they name; unknown ids (already evicted) are ignored. */
  update(updates: readonly JourneyUpdate[]): BufferChange {
    const changed = new Set<string>();
    for (const { messageId, journey } of updates) {
      const index = this.entries.findIndex(({ entry }) => entry.kind === "accepted" && entry.messageId === messageId);
      if (index < 0) continue;
      const held = this.entries[index]!.entry;
      this.replace(index, { ...held, journey: mergeJourney(held.journey, journey) });
      changed.add(held.id);
    }
    return this.trim(changed);
  }

  /** Removes every entry `doomed` picks (a deletion's people); answers their ids as evicted. */
  remove(doomed: (entry: DebuggerEntry) => boolean): BufferChange {
    const evicted = this.entries.filter(({ entry }) => doomed(entry)).map(({ entry }) => entry.id);
    if (evicted.length > 0) this.entries = this.entries.filter(({ entry }) => !doomed(entry));
    return { saved: [], evicted };
  }

  recent(): DebuggerEntry[] {
    return this.entries.map(({ entry }) => entry);
  }

  private replace(index: number, entry: DebuggerEntry): void {
    const capped = capEntry(entry);
    this.entries[index] = { seq: this.entries[index]!.seq, ...capped };
  }

  private insert(stored: StoredEntry): void {
    const index = this.entries.findIndex((held) => newestFirst(stored, held) < 0);
    if (index < 0) this.entries.push(stored);
    else this.entries.splice(index, 0, stored);
  }

  /** Keeps the newest entries that fit both limits; the rest leave, oldest first. */
  private trim(changed: Set<string>): BufferChange {
    let bytes = 0;
    let kept = 0;
    while (kept < this.entries.length && kept < this.limits.maxEntries && bytes + this.entries[kept]!.bytes <= this.limits.maxBytes) {
      bytes += this.entries[kept]!.bytes;
      kept += 1;
    }
    const evicted = this.entries.splice(kept).map(({ entry }) => entry.id);
    return { saved: this.entries.filter(({ entry }) => changed.has(entry.id)).reverse(), evicted };
  }
}

function newestFirst(a: StoredEntry, b: StoredEntry): number {
  if (a.entry.receivedAt !== b.entry.receivedAt) return a.entry.receivedAt < b.entry.receivedAt ? 1 : -1;
  return b.seq - a.seq;
}
