/**
 * Packs items, in order, into as few groups as fit `maxBytes` once serialized as one JSON array
 * inside an envelope of `envelopeBytes` (commas counted). An item too big on its own gets a group
 * of its own: the caller's size checks keep that from happening.
 */
export function packBySize<T>(items: readonly T[], sizeOf: (item: T) => number, envelopeBytes: number, maxBytes: number): { items: T[]; bytes: number }[] {
  const groups: { items: T[]; bytes: number }[] = [];
  let current: T[] = [];
  let bytes = envelopeBytes;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && bytes + 1 + size > maxBytes) {
      groups.push({ items: current, bytes });
      current = [];
      bytes = envelopeBytes;
    }
    bytes += size + (current.length > 0 ? 1 : 0);
    current.push(item);
  }
  if (current.length > 0) groups.push({ items: current, bytes });
  return groups;
}
