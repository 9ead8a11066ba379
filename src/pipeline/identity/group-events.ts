/**
 * Splits one message's events into groups that share no identifier (connected components over
 * identifier keys), keeping each group in message order. Groups resolve in parallel: events of
 * one person stay in order (a later identify may depend on an earlier one, as in Segment's
 * documented sequences), while different people do not wait for each other. Events linked only
 * through the stored graph may still run at once; resolution is built for that (claims, rounds).
 */
export function groupBySharedIdentifiers<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): T[][] {
  const parent = items.map((_, index) => index);
  const find = (index: number): number => {
    while (parent[index] !== index) {
      parent[index] = parent[parent[index]!]!;
      index = parent[index]!;
    }
    return index;
  };
  const owner = new Map<string, number>();
  items.forEach((item, index) => {
    for (const key of keysOf(item)) {
      const seen = owner.get(key);
      if (seen === undefined) owner.set(key, index);
      else parent[find(index)] = find(seen);
    }
  });
  const groups = new Map<number, T[]>();
  items.forEach((item, index) => {
    const root = find(index);
    const group = groups.get(root);
    if (group) group.push(item);
    else groups.set(root, [item]);
  });
  return [...groups.values()];
}
