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
