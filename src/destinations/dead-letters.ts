import type { AcceptedEvent } from "../spec/accepted-event";
import { deadLetterRecordSchema } from "../queues/dead-letter";

/** One destination's dead-lettered events as the admin API shows them. */
export interface DeadLetteredDelivery {
  /** The R2 key: what re-drive takes to name it. */
  id: string;
  reason: string;
  deadLetteredAt: string;
  /** Where it was dead-lettered from: the deliveries queue, or `replay:<id>`. */
  from: string;
  events: AcceptedEvent[];
}

const PREFIX = "dead-letter/";
/** Most R2 reads one listing makes (one per record). */
export const MAX_LISTED = 100;

/**
 * The deliveries dead-letter queue as kept in R2 (see src/queues/dead-letter.ts): listed per
 * destination, oldest day first, and removed once re-driven. A deployment may name its queues
 * differently, so the queue folders are found by their `deliveries-dlq` suffix.
 */
export class DeliveryDeadLetters {
  constructor(private readonly bucket: R2Bucket) {}

  /** Up to `limit` of a destination's dead letters after key `after`; `next` continues the listing. */
  async list(destinationId: string, limit: number, after?: string): Promise<{ deadLetters: DeadLetteredDelivery[]; next?: string }> {
    const keys = await this.keys(destinationId, limit + 1, after);
    const page = keys.slice(0, limit);
    const records = await Promise.all(page.map((key) => this.read(key)));
    return {
      deadLetters: records.filter((record): record is DeadLetteredDelivery => record !== null),
      ...(keys.length > limit ? { next: page.at(-1) } : {}),
    };
  }

  /** Keys of a destination's dead letters, in key order, starting after `after`. */
  async keys(destinationId: string, limit: number, after?: string): Promise<string[]> {
    const keys: string[] = [];
    for (const folder of await this.folders()) {
      const prefix = `${folder}${encodeURIComponent(destinationId)}/`;
      let cursor: string | undefined;
      do {
        const page = await this.bucket.list({
          prefix,
          limit: Math.min(1_000, limit - keys.length),
          ...(cursor ? { cursor } : after && after > prefix ? { startAfter: after } : {}),
        });
        keys.push(...page.objects.map((object) => object.key));
        cursor = page.truncated && keys.length < limit ? page.cursor : undefined;
      } while (cursor);
      if (keys.length >= limit) break;
    }
    return keys;
  }

  /** One record, or null when it is gone (re-driven meanwhile) or not a delivery's. */
  async read(key: string): Promise<DeadLetteredDelivery | null> {
    const object = await this.bucket.get(key);
    if (!object) return null;
    const parsed = deadLetterRecordSchema.safeParse(await object.json().catch(() => undefined));
    if (!parsed.success) {
      // Skipped, not thrown: one unreadable object must not hide every other dead letter from
      // the list, and a re-drive could not send it anyway. The log names it for an operator.
      console.error(`dead letter ${key} is not a readable record and is skipped: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`);
      return null;
    }
    const record = parsed.data;
    const events = eventsOf(record.body);
    if (events.length === 0) return null;
    return { id: key, reason: record.reason, deadLetteredAt: record.deadLetteredAt, from: record.originalQueue ?? record.queue, events };
  }

  async remove(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1_000) await this.bucket.delete(keys.slice(start, start + 1_000));
  }

  /** Whether `key` is one of this destination's dead letters (re-drive takes ids from the client). */
  async belongsTo(key: string, destinationId: string): Promise<boolean> {
    return (await this.folders()).some((folder) => key.startsWith(`${folder}${encodeURIComponent(destinationId)}/`));
  }

  private async folders(): Promise<string[]> {
    const listing = await this.bucket.list({ prefix: PREFIX, delimiter: "/" });
    return listing.delimitedPrefixes.filter((folder) => folder.endsWith("deliveries-dlq/")).sort();
  }
}

/** A per-event dead letter (`{destinationId, event}`) or a whole DELIVERIES message (`{events}`). */
function eventsOf(body: unknown): AcceptedEvent[] {
  if (typeof body !== "object" || body === null) return [];
  const { event, events } = body as { event?: unknown; events?: unknown };
  if (typeof event === "object" && event !== null) return [event as AcceptedEvent];
  return Array.isArray(events) ? (events as AcceptedEvent[]) : [];
}
