import type { SizedMessage } from "./send-messages";

/**
 * Cloudflare Queues limits a message to 128 KB, counted in decimal (128,000 bytes: Miniflare's
 * broker refuses 128,001). Items are packed into as few messages as fit, with headroom for
 * the platform's own framing.
 */
export const MAX_MESSAGE_BYTES = 120_000;

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

const encoder = new TextEncoder();
const jsonBytes = (value: unknown) => encoder.encode(JSON.stringify(value)).byteLength;

/**
 * Queue messages under the platform's size limit: `envelope` wraps a group of items into a
 * message body, and an empty group gives the envelope's own size (so the items' array must be
 * the envelope's only part that grows).
 */
export function packIntoMessages<T, Body>(items: readonly T[], envelope: (items: T[]) => Body): SizedMessage<Body>[] {
  return packBySize(items, jsonBytes, jsonBytes(envelope([])), MAX_MESSAGE_BYTES).map(({ items: group, bytes }) => ({ body: envelope(group), bytes }));
}
