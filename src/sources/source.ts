/** A Segment source: where events come from, authenticated by its write key. */
export interface Source {
  id: string;
  name: string;
  writeKey: string;
  enabled: boolean;
  /**
   * Neutral path of its analytics.js, `/s/<scriptAlias>.js` (ad-blocker resistant). Absent when
   * unset, so sources keep the exact shape DESIGN.md gives them.
   */
  scriptAlias?: string;
  /**
   * Days its archived events are kept (src/retention deletes older hours). Absent when unset:
   * the archive keeps everything, and the source keeps the shape DESIGN.md gives it.
   */
  retentionDays?: number;
}

/** Archive retention is whole days, from one day to ten years; null (unset) keeps everything. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export function isRetentionDays(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_RETENTION_DAYS && (value as number) <= MAX_RETENTION_DAYS;
}

/** Lower-case letters, digits and dashes: a path segment that names nothing recognisable. */
export const SCRIPT_ALIAS_PATTERN = /^[a-z0-9-]{3,40}$/;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62, uniform (rejection sampling): ids like Segment's `qQEHquLrjRDN9j1ByrChyn`. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const newSourceId = () => randomBase62(22);
/** 32 base62 characters: about 190 bits, far past guessing. */
export const newWriteKey = () => randomBase62(32);
