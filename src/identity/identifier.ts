/**
 * An identifier ("external ID" in Segment's words): a typed value that points at one profile.
 * Types are lower-case (`user_id`, `email`, `ios.id`, `phone`); values are strings, compared
 * exactly (no trimming or case folding: Segment documents none).
 */
export interface Identifier {
  type: string;
  value: string;
}

/** An identifier already on a profile, with when it was added (windowed limits count from it). */
export interface HeldIdentifier extends Identifier {
  /** ISO-8601 UTC. */
  addedAt: string;
}

/**
 * The Profile API addresses a profile as `<type>:<value>` and splits at the first colon, so a
 * type may not contain one while a value may (`user_id:a:b` is user_id `a:b`).
 */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}

export function parseIdentifierKey(key: string): Identifier | undefined {
  const colon = key.indexOf(":");
  if (colon <= 0 || colon === key.length - 1) return undefined;
  return { type: key.slice(0, colon), value: key.slice(colon + 1) };
}

/** Types the graph can hold: lower-case, no colon (see `identifierKey`), at most 100 characters. */
export function isValidIdentifierType(type: string): boolean {
  return /^[a-z0-9_.-]{1,100}$/.test(type);
}
