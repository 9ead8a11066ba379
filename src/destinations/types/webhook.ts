import { z } from "zod";
import type { DestinationType } from "../destination-type";
import { webhookSignature } from "../webhook-signature";

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

export const webhookSettings = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  sharedSecret: z.string().min(1).max(500).optional(),
  headers: z
    .record(
      z.string().regex(headerName, { error: "header names are letters, digits and -" }),
      z
        .string()
        .max(2_000)
        .regex(/^[^\r\n]*$/, { error: "header values are one line" }),
    )
    .refine((headers) => Object.keys(headers).length <= 20, { error: "at most 20 headers" })
    .optional(),
  /** POST one JSON array per batch instead of one event per request. */
  batch: z.boolean().default(false),
});

export type WebhookSettings = z.infer<typeof webhookSettings>;

/**
 * Segment's webhook destination: POST of the event JSON (or an array of events when batched),
 * `X-Signature: hex(HMAC-SHA1(sharedSecret, body))` when a secret is set, custom headers.
 */
export const webhookDestination: DestinationType<WebhookSettings> = {
  type: "webhook",
  settings: webhookSettings,
  secrets: ["sharedSecret"],
  async requests(events, settings) {
    if (events.length === 0) return [];
    const groups = settings.batch ? [events.map((_, index) => index)] : events.map((_, index) => [index]);
    return Promise.all(
      groups.map(async (indexes) =>
        signedPost(settings, JSON.stringify(settings.batch ? indexes.map((index) => events[index]) : events[indexes[0]!]), indexes),
      ),
    );
  },
  /**
   * Segment's webhook deletion: `{"type":"delete","userId"}` (with a messageId, stable across
   * retries, so the receiver can ignore a repeat), one request per person whatever `batch` says,
   * signed and headed like events.
   */
  deletions(subjects, settings) {
    return Promise.all(
      subjects.map((subject, index) => signedPost(settings, JSON.stringify({ type: "delete", userId: subject.userId, messageId: subject.messageId }), [index])),
    );
  },
};

async function signedPost(settings: WebhookSettings, body: string, events: number[]) {
  const headers: Record<string, string> = { ...settings.headers, "Content-Type": "application/json", "User-Agent": "Sluice-Webhook/1" };
  if (settings.sharedSecret) headers["X-Signature"] = await webhookSignature(settings.sharedSecret, body);
  return { url: settings.url, init: { method: "POST" as const, headers, body }, events };
}
