// Pure comparisons behind the exactly-once checks: what was expected once, what arrived how often.

export function countIds(ids: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

export interface OnceReport {
  /** Expected, never arrived. */
  missing: string[];
  /** Arrived, never expected. */
  unexpected: string[];
  /** Arrived more than once: id and count. */
  repeated: [string, number][];
}

/** How `arrived` (id → times) differs from "each of `expected` exactly once, nothing else". */
export function compareOnce(expected: Iterable<string>, arrived: ReadonlyMap<string, number>): OnceReport {
  const wanted = new Set(expected);
  return {
    missing: [...wanted].filter((id) => !arrived.has(id)),
    unexpected: [...arrived.keys()].filter((id) => !wanted.has(id)),
    repeated: [...arrived].filter(([, count]) => count > 1),
  };
}

/** A short text for failure messages: the first few ids of each kind and how many there are. */
export function describeOnce(report: OnceReport): string {
  const few = (ids: readonly unknown[]) => `${ids.length}${ids.length > 0 ? ` (${ids.slice(0, 5).map(String).join(", ")}${ids.length > 5 ? ", …" : ""})` : ""}`;
  return `missing ${few(report.missing)}, unexpected ${few(report.unexpected)}, repeated ${few(report.repeated.map(([id, n]) => `${id}×${n}`))}`;
}

export const isSubset = <T>(items: Iterable<T>, of: ReadonlySet<T>): boolean => [...items].every((item) => of.has(item));
