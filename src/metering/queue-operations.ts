/**
 * Cloudflare Queues bills one operation per 64 KB (KB = 1,000 bytes) of each message written,
 * read or deleted, and each message carries about 100 bytes of internal metadata
 * (https://developers.cloudflare.com/queues/platform/pricing/).
 */
export const QUEUE_CHUNK_BYTES = 64_000;
export const QUEUE_MESSAGE_METADATA_BYTES = 100;

/** Billed operations for one write, read or delete of a message whose body is `bodyBytes` long. */
export function queueOperations(bodyBytes: number): number {
  return Math.ceil((bodyBytes + QUEUE_MESSAGE_METADATA_BYTES) / QUEUE_CHUNK_BYTES);
}

const encoder = new TextEncoder();

/** A message body's size as JSON (Sluice sends JSON bodies); 0 for what JSON cannot hold. */
export function jsonBytes(body: unknown): number {
  try {
    return encoder.encode(JSON.stringify(body) ?? "").byteLength;
  } catch {
    return 0;
  }
}
