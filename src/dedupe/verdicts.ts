import type { AcceptedEvent } from "../spec/accepted-event";

/**
 * The owner of an event is the queue message that carried it. Queue messages keep their id
 * across retries, so an event seen again from the same owner is a retry, not a duplicate.
 */
export interface DedupeEntry {
  messageId: string;
  sourceId: string;
  owner: string;
}

export interface CommitEntry {
  event: AcceptedEvent;
  owner: string;
  /** Blocked by the source's tracking plan: marked seen, never archived. */
  blocked?: boolean;
}

/**
 * - `fresh`: never archived; go on through the pipeline.
 * - `retried`: archived earlier by this same queue message; later stages still run, archive skips.
 * - `duplicate`: another message already archived this messageId; dropped and counted.
 * - `failed`: the shard could not be reached; the message is retried.
 */
export type CheckVerdict = "fresh" | "retried" | "duplicate" | "failed";

/** `archived` means committed now (in the outbox, or only seen when blocked); the rest as for CheckVerdict. */
export type CommitVerdict = "archived" | "retried" | "duplicate" | "failed";
