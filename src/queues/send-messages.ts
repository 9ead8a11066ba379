/**
 * Cloudflare Queues limits one `sendBatch` call to 100 messages and 256 KB (decimal, like the
 * message limit). Messages are sent in as few calls as fit, in parallel; the promise resolves
 * only when every call was accepted.
 */
export const MAX_SEND_BATCH_BYTES = 240_000;
export const MAX_SEND_BATCH_MESSAGES = 100;

export interface SizedMessage<Body> {
  body: Body;
  /** Bytes of the JSON-serialized body. */
  bytes: number;
}

const encoder = new TextEncoder();

export function sizeOf<Body>(body: Body): SizedMessage<Body> {
  return { body, bytes: encoder.encode(JSON.stringify(body)).byteLength };
}

export function groupIntoSendBatches<M extends { bytes: number }>(messages: readonly M[]): M[][] {
  const calls: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const full = current.length >= MAX_SEND_BATCH_MESSAGES || bytes + message.bytes > MAX_SEND_BATCH_BYTES;
    if (current.length > 0 && full) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

export async function sendMessages<Body>(queue: Queue<Body>, messages: readonly SizedMessage<Body>[]): Promise<void> {
  await Promise.all(groupIntoSendBatches(messages).map((call) => queue.sendBatch(call.map(({ body }) => ({ body, contentType: "json" as const })))));
}
