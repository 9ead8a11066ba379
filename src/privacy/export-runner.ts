import { sourceOfKey } from "../archive/archive-key";
import type { ProfileView } from "../identity/profile-view";
import { eventRecordsOf, profileRecordOf, toNdjson, type ExportRecord } from "./subject-export";
import type { ExportProgress, SubjectExport } from "./subject-export-store";

/**
 * The subject export job, one step per alarm: each step reads one page of the archive objects
 * the person index names (never the whole archive) and writes the person's lines among them as
 * one part of the export in R2; then the profiles; then it is FINISHED. A part's name follows
 * the page it came from, and the cursor moves only after the part is written, so a crash repeats
 * at most one page, rewriting the same part with the same lines.
 */

export const EXPORT_PAGE_OBJECTS = 20;

export interface ExportState {
  phase: "archive" | "profiles" | "done";
  /** The last archive object key done. */
  cursor: string;
  /** The next events part's number. */
  part: number;
  progress: ExportProgress;
}

export const initialExportState = (): ExportState => ({ phase: "archive", cursor: "", part: 1, progress: { objectsRead: 0, events: 0, profiles: 0 } });

export interface ExportDeps {
  /** The next page of archive objects holding any covered key, after `cursor`. */
  indexPage(cursor: string, limit: number): Promise<string[]>;
  /** An archive object's lines, or null when it is gone (retention or a deletion removed it). */
  readLines(key: string): Promise<string[] | null>;
  /** The live profile of each userId that has one (merges followed), once each. */
  profiles(userIds: readonly string[]): Promise<ProfileView[]>;
  writePart(name: string, ndjson: string): Promise<void>;
}

/** Parts sort in the order the download streams them: events pages, then profiles. */
export const eventsPartName = (part: number) => `1-events-${String(part).padStart(8, "0")}.ndjson`;
export const PROFILES_PART_NAME = "2-profiles.ndjson";

export async function exportStep(subject: SubjectExport, state: ExportState, deps: ExportDeps): Promise<ExportState> {
  if (state.phase === "archive") {
    const keys = await deps.indexPage(state.cursor, EXPORT_PAGE_OBJECTS);
    if (keys.length === 0) return { ...state, phase: "profiles" };
    const covered = new Set(subject.covered);
    const records: ExportRecord[] = [];
    let objectsRead = 0;
    for (const key of keys) {
      const lines = await deps.readLines(key);
      if (lines === null) continue;
      objectsRead += 1;
      records.push(...eventRecordsOf(lines, covered, key, sourceOfKey(key) ?? ""));
    }
    if (records.length > 0) await deps.writePart(eventsPartName(state.part), toNdjson(records));
    return {
      phase: "archive",
      cursor: keys.at(-1)!,
      part: records.length > 0 ? state.part + 1 : state.part,
      progress: { ...state.progress, objectsRead: state.progress.objectsRead + objectsRead, events: state.progress.events + records.length },
    };
  }
  if (state.phase === "profiles") {
    const views = await deps.profiles(subject.subjectIds);
    await deps.writePart(PROFILES_PART_NAME, toNdjson(views.map((view) => profileRecordOf(view))));
    return { ...state, phase: "done", progress: { ...state.progress, profiles: views.length } };
  }
  return state;
}

/** The first line of every export: who it is about and when it was made. */
export const exportHeader = (subject: SubjectExport, at: Date): string =>
  toNdjson([{ record: "subject", subjectIds: subject.subjectIds, covered: subject.covered, exportedAt: at.toISOString() }]);
