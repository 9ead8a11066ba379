import { parseRetryAfter } from "../retry/retry-after";
import { classifyAnswer, type DeliveryOutcome } from "./delivery-policy";
import type { OutgoingRequest } from "./destination-type";

/** A request that takes longer is a timeout, retried like a 5xx. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface EventResult {
  index: number;
  outcome: DeliveryOutcome;
}

export interface AttemptRecord {
  request: { url: string; method: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | { error: string };
  durationMs: number;
}

/**
 * Sends a batch of events to one destination: builds its requests, sends them in parallel, and
 * answers each event's outcome (an event shares the outcome of the request that carried it).
 * Never throws for the destination's failures; `record` sees each request and answer (the event
 * tester shows them).
 */
export async function deliverBatch<Settings>(
  type: { requests(events: readonly Record<string, unknown>[], settings: Settings): Promise<OutgoingRequest[]> },
  settings: Settings,
  events: readonly Record<string, unknown>[],
  fetcher: typeof fetch,
  record?: (attempt: AttemptRecord) => void,
): Promise<EventResult[]> {
  const requests = await type.requests(events, settings);
  const results: EventResult[] = [];
  await Promise.all(
    requests.map(async (request) => {
      const outcome = await sendRequest(request, fetcher, record);
      for (const index of request.events) results.push({ index, outcome });
    }),
  );
  return results.sort((a, b) => a.index - b.index);
}

/** Sends one request and classifies the answer; never throws for the destination's failures. */
export async function sendRequest(request: OutgoingRequest, fetcher: typeof fetch, record?: (attempt: AttemptRecord) => void): Promise<DeliveryOutcome> {
  const started = Date.now();
  let answer: number | "timeout" | "network-error";
  let retryAfterSeconds: number | null = null;
  try {
    const response = await fetcher(request.url, { ...request.init, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    answer = response.status;
    retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"), Date.now());
    const body = record ? await response.text() : (await response.body?.cancel(), "");
    record?.({
      request: { url: request.url, ...request.init },
      response: { status: response.status, headers: Object.fromEntries(response.headers), body: body.slice(0, 10_000) },
      durationMs: Date.now() - started,
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    answer = timedOut ? "timeout" : "network-error";
    record?.({ request: { url: request.url, ...request.init }, response: { error: timedOut ? "timed out" : String(error) }, durationMs: Date.now() - started });
  }
  return classifyAnswer(answer, retryAfterSeconds);
}
