import { extractIdentifiers } from "../identity/extract-identifiers";
import { identifierKey } from "../identity/identifier";

/**
 * Which person an event is about, as identifier keys (`<type>:<value>`, the identity graph's own
 * form: `user_id:u1`, `anonymous_id:a1`, `email:x@y.z`, `ios.id:…`). Suppression, the archive's
 * person index, deletion and subject exports all match people by these keys, so an event counts
 * as a person's exactly when one of its keys is among the person's covered keys.
 *
 * Beyond the identifiers identity promotes (userId, anonymousId, traits and context emails,
 * device ids, external ids), an alias names the person's previous id, which is a userId or an
 * anonymousId: both readings are keys of the event.
 */
export function eventSubjectKeys(event: Record<string, unknown>): string[] {
  const keys = new Set(extractIdentifiers(event).users.map(identifierKey));
  const previousId = event.previousId;
  if (event.type === "alias" && typeof previousId === "string" && previousId !== "") {
    keys.add(`user_id:${previousId}`);
    keys.add(`anonymous_id:${previousId}`);
  }
  return [...keys];
}

/** The key of a userId, as regulations and subject exports name their subjects. */
export const userIdKey = (userId: string) => `user_id:${userId}`;

const encoder = new TextEncoder();

/**
 * A key's hash as stored in the suppression list and the archive index (hex SHA-256, first 32
 * characters): those tables hold no identifier in the clear, so forgetting a person never has to
 * find them there first, and 128 bits leave collisions out of the question.
 */
export async function hashSubjectKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(key)));
  let hex = "";
  for (let i = 0; i < 16; i++) hex += digest[i]!.toString(16).padStart(2, "0");
  return hex;
}

export async function hashSubjectKeys(keys: Iterable<string>): Promise<string[]> {
  return Promise.all([...new Set(keys)].map(hashSubjectKey));
}
