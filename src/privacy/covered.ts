import { parseIdentifierKey } from "../identity/identifier";
import { eventSubjectKeys } from "./subject-keys";

/**
 * What a regulation covers, in the forms its steps match by: identifier keys (`user_id:u1`), as
 * events are matched (eventSubjectKeys), and the bare values (`u1`), for what is not an event we
 * can read (a dead letter's unreadable message) and for the verification's exact-value search.
 */
export interface Covered {
  keys: ReadonlySet<string>;
  values: ReadonlySet<string>;
}

export function coveredFrom(keys: readonly string[]): Covered {
  const values = new Set<string>();
  for (const key of keys) {
    const identifier = parseIdentifierKey(key);
    if (identifier) values.add(identifier.value);
  }
  return { keys: new Set(keys), values };
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether an event (any JSON) names one of the covered people by its identifiers. */
export function namesCoveredPerson(event: unknown, covered: Covered): boolean {
  return isPlainObject(event) && eventSubjectKeys(event).some((key) => covered.keys.has(key));
}

/** How many string values anywhere in `value` are exactly a covered identifier value. */
export function countCoveredValues(value: unknown, covered: Covered): number {
  if (typeof value === "string") return covered.values.has(value) ? 1 : 0;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countCoveredValues(item, covered), 0);
  if (isPlainObject(value)) return Object.values(value).reduce((sum: number, item) => sum + countCoveredValues(item, covered), 0);
  return 0;
}

/**
 * The verification's measure of one archived line: 1 when the event is a covered person's, else
 * the covered identifier values it still holds anywhere (another person's event naming them in a
 * property counts: the value is still in the archive). Zero is a clean line.
 */
export function occurrencesInLine(line: string, covered: Covered): number {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return [...covered.values].some((value) => line.includes(JSON.stringify(value))) ? 1 : 0;
  }
  return namesCoveredPerson(event, covered) ? 1 : countCoveredValues(event, covered);
}
