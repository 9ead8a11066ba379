import { encodeNdjsonGzip } from "../archive/ndjson";
import { linesOf } from "../archive/read-archive";
import { subjectKeysOfLine } from "./archive-index";

/** What erasing people from the lines of one object left. */
export interface ErasedLines {
  /** The other lines, each exactly as it was. */
  kept: string[];
  /** MessageIds of the removed events (for the D1 rows that name them). */
  removedMessageIds: string[];
}

/**
 * Drops the lines whose event names one of the covered keys (src/privacy/subject-keys.ts). Every
 * other line is kept as the string it was, so other people's events stay byte for byte. A line
 * that is not a JSON object names nobody and stays.
 */
export function eraseLines(lines: readonly string[], covered: ReadonlySet<string>): ErasedLines {
  const kept: string[] = [];
  const removedMessageIds: string[] = [];
  for (const line of lines) {
    if (subjectKeysOfLine(line).some((key) => covered.has(key))) removedMessageIds.push(messageIdOfLine(line));
    else kept.push(line);
  }
  return { kept, removedMessageIds };
}

function messageIdOfLine(line: string): string {
  const { messageId } = JSON.parse(line) as { messageId?: unknown };
  return typeof messageId === "string" ? messageId : "";
}

export type EraseOutcome = "missing" | "unchanged" | "rewritten" | "deleted";

export interface ObjectErasure {
  outcome: EraseOutcome;
  /** Events removed by this call (0 when unchanged or missing). */
  removed: number;
  removedMessageIds: string[];
  /** Events the object holds afterwards. */
  kept: number;
}

/** Precondition failures in a row (another writer each time) before giving up for this tick. */
const MAX_CONFLICTS = 5;

/**
 * Rewrites one gzip NDJSON object without the covered people, under the same key. R2 replaces an
 * object atomically, so a reader sees the old object or the new one, never a torn one. The write
 * is conditional on the etag read (`onlyIf.etagMatches`): if a dedupe flush re-wrote the object
 * meanwhile, nothing is clobbered; the object is read again and filtered again. An object left
 * empty is deleted (R2 has no conditional delete; the only other writer of an archive key is a
 * crashed flush's re-run, whose lines come from an outbox the deletion has already purged of
 * these people, so it cannot bring them back).
 *
 * `beforeWrite` runs just before the write with what it removes, so a caller that crashes after
 * the write still knows what it removed (a re-run then finds nothing left to remove).
 */
export async function eraseFromObject(
  bucket: R2Bucket,
  key: string,
  covered: ReadonlySet<string>,
  beforeWrite: (erased: ErasedLines) => void | Promise<void> = () => {},
): Promise<ObjectErasure> {
  for (let conflicts = 0; ; conflicts += 1) {
    const object = await bucket.get(key);
    if (!object) return { outcome: "missing", removed: 0, removedMessageIds: [], kept: 0 };
    const lines = await linesOf(object);
    const erased = eraseLines(lines, covered);
    const removed = erased.removedMessageIds.length;
    if (removed === 0) return { outcome: "unchanged", removed: 0, removedMessageIds: [], kept: lines.length };
    await beforeWrite(erased);
    if (erased.kept.length === 0) {
      await bucket.delete(key);
      return { outcome: "deleted", removed, removedMessageIds: erased.removedMessageIds, kept: 0 };
    }
    const written = await bucket.put(key, await encodeNdjsonGzip(erased.kept), {
      onlyIf: { etagMatches: object.etag },
      httpMetadata: object.httpMetadata ?? { contentType: "application/x-ndjson", contentEncoding: "gzip" },
      customMetadata: { ...object.customMetadata, events: String(erased.kept.length) },
    });
    // A failed precondition answers null: another writer got there first.
    if (written) return { outcome: "rewritten", removed, removedMessageIds: erased.removedMessageIds, kept: erased.kept.length };
    if (conflicts + 1 >= MAX_CONFLICTS)
      throw new Error(`archive object ${key} kept changing under the deletion (${MAX_CONFLICTS} conflicting writes); it is tried again`);
  }
}
