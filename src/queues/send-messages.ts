/**
 * Cloudflare Queues limits one `sendBatch` call to 100 messages and 256 KB (decimal, like the
 * message limit). Messages are sent in as few calls as fit, in parallel; the promise resolves
 * only when every call was accepted.
 */
export const MAX_SEND_BATCH_BYTES = 240_000;
export const MAX_SEND_BATCH_MESSAGES = 100;

export interface SizedMessage<Body> {
  /** A string is JSON text its sender already serialized; anything else is serialized by the queue. */
  body: Body;
  /** Bytes of the JSON-serialized body (of the string itself, for a string). */
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

/** A string body goes as text, so the queue does not serialize JSON its sender already did. */
const contentTypeOf = (body: unknown): QueueContentType => (typeof body === "string" ? "text" : "json");

/**
 * Sends `messages` in as few calls as the limits allow, in parallel. A call of one message (a
 * single event's request) uses `send`: `sendBatch` costs the runtime more per call.
 */
export async function sendMessages<Body>(queue: Queue<Body>, messages: readonly SizedMessage<Body>[]): Promise<void> {
  await Promise.all(
    groupIntoSendBatches(messages).map(([first, ...rest]) =>
      rest.length === 0
        ? queue.send(first!.body, { contentType: contentTypeOf(first!.body) })
        : queue.sendBatch([first!, ...rest].map(({ body }) => ({ body, contentType: contentTypeOf(body) }))),
    ),
  );
}
