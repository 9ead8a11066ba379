import type { HeldIdentifier } from "./identifier";
import type { IdentifierLimit, LimitWindow } from "./identity-config";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Windows slide (docs: "a short sliding window, such as 5 weekly or 5 monthly"): a value counts
 * against the limit while it was added less than the window ago. Segment gives no lengths for
 * its windows; a week is 7 days, a month 30 and a year 365, so the window never depends on the
 * calendar or a time zone.
 */
export const WINDOW_MS: Record<LimitWindow, number> = {
  ever: Infinity,
  weekly: 7 * DAY_MS,
  monthly: 30 * DAY_MS,
  annually: 365 * DAY_MS,
};

/** Values of `type` in `identifiers` that count against `limit` at `now`. */
export function countTowardLimit(identifiers: Iterable<HeldIdentifier>, type: string, limit: IdentifierLimit, now: Date): number {
  const span = WINDOW_MS[limit.window];
  let count = 0;
  for (const identifier of identifiers) {
    if (identifier.type !== type) continue;
    if (span === Infinity || now.getTime() - Date.parse(identifier.addedAt) < span) count += 1;
  }
  return count;
}

/** "5 weekly", "1 ever": how the settings page words a limit, for violation messages. */
export function describeLimit(limit: IdentifierLimit): string {
  return `${limit.max} ${limit.window}`;
}
