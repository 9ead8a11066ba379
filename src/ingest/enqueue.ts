import { ApiError } from "../http/api-error";
import { sendMessages } from "../queues/send-messages";
import { packEventsIntoMessages, type SerializedEvent } from "../queues/pack-events";

/**
 * Puts a request's events on the EVENTS queue in as few messages and calls as fit. Only once
 * every call has resolved are the events durably queued and the request may be acknowledged;
 * any failure becomes a 503 so the client retries (the consumer dedupes what did get through).
 */
export async function enqueueEvents(queue: Queue, events: readonly SerializedEvent[]): Promise<void> {
  try {
    await sendMessages(queue, packEventsIntoMessages(events));
  } catch (error) {
    console.error("EVENTS queue refused a batch", error);
    throw new ApiError(503, "Events could not be queued just now: retry the request with backoff.");
  }
}
