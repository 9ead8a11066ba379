import type { ProfileView } from "../identity/profile-view";
import { eventSubjectKeys } from "./subject-keys";

/**
 * A subject access export (GDPR art. 15, CCPA right to know) is NDJSON, one record a line, so it
 * streams from R2 however much is held:
 *
 *   {"record":"subject", "subjectIds", "covered", "exportedAt"}      first, once
 *   {"record":"event", "sourceId", "archiveKey", "event"}           every archived event of theirs
 *   {"record":"profile", "segmentId", "traits", "identifiers", "externalIds", "links", "metadata", "consent"}
 *
 * Pure: which lines of an archive object are the person's, and the records built from them.
 * The traits' sources and update times stay in the export: they are held about the person too.
 */

export type ExportRecord =
  | { record: "subject"; subjectIds: string[]; covered: string[]; exportedAt: string }
  | { record: "event"; sourceId: string; archiveKey: string; event: Record<string, unknown> }
  | {
      record: "profile";
      segmentId: string;
      traits: ProfileView["traits"];
      identifiers: ProfileView["identifiers"];
      links: ProfileView["links"];
      metadata: ProfileView["metadata"];
      consent: ProfileView["consent"];
    };

/** The lines of one archive object that belong to the covered people, as export records (unreadable lines are skipped). */
export function eventRecordsOf(lines: Iterable<string>, covered: ReadonlySet<string>, archiveKey: string, sourceId: string): ExportRecord[] {
  const records: ExportRecord[] = [];
  for (const line of lines) {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event === null || typeof event !== "object" || Array.isArray(event)) continue;
    const record = event as Record<string, unknown>;
    if (eventSubjectKeys(record).some((key) => covered.has(key))) records.push({ record: "event", sourceId, archiveKey, event: record });
  }
  return records;
}

/** A profile as the export shows it: traits (with their sources), every identifier, links, metadata and consent. */
export function profileRecordOf(view: ProfileView): ExportRecord {
  return {
    record: "profile",
    segmentId: view.id,
    traits: { ...view.traits },
    identifiers: view.identifiers.map((identifier) => ({ ...identifier })),
    links: [...view.links],
    metadata: view.metadata,
    consent: view.consent,
  };
}

export const toNdjson = (records: readonly ExportRecord[]) => records.map((record) => `${JSON.stringify(record)}\n`).join("");
