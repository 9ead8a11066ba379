import type { z } from "zod";
import type { AttemptRecord } from "./deliver";
import type { DeliveryOutcome } from "./delivery-policy";

/**
 * What a kind of destination implements (one module each under ./types): its settings, and how a
 * batch of events becomes HTTP requests. The pipeline does routing, filters, retries and metrics;
 * a type only says what to send and how to read the answer.
 */
export interface DestinationType<Settings> {
  type: string;
  settings: z.ZodType<Settings>;
  /** Settings fields that are secrets: shown masked by the admin API. */
  secrets: readonly (keyof Settings & string)[];
  /** One request per event, or one for the whole batch; each lists the events it carries. */
  requests(events: readonly Record<string, unknown>[], settings: Settings): Promise<OutgoingRequest[]>;
  /**
   * A regulation's deletion forwarded (src/privacy): requests asking the destination to delete
   * each subject, `events` indexing into `subjects`. Absent when the type takes no deletions.
   */
  deletions?(subjects: readonly DeletionSubject[], settings: Settings): Promise<OutgoingRequest[]>;
}

/** One person a regulation asks a destination to delete, with a messageId stable across retries. */
export interface DeletionSubject {
  userId: string;
  messageId: string;
}

export interface OutgoingRequest {
  url: string;
  init: { method: "POST"; headers: Record<string, string>; body: string };
  /** Indexes into the batch of the events this request carries. */
  events: number[];
}

/**
 * What delivery sends: a request built ahead (webhook, segment) or an action of Segment's
 * framework that makes its own requests (actions:*). Each carries some of a batch's events.
 */
export interface DeliveryUnit {
  /** Indexes into the batch of the events this unit carries. */
  events: number[];
  /** What it is, where there may be several per event (the subscription's name). */
  label?: string;
  /** Which part of the destination sends it (an Actions subscription), so a retry can resend only that part. */
  key?: string;
  /** Sends it: one outcome per carried event, in `events` order; never throws for the destination's failures. */
  send(fetcher: typeof fetch, record?: (attempt: AttemptRecord) => void): Promise<DeliveryOutcome[]>;
}
