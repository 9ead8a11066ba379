import { parseRetryAfter } from "../retry/retry-after";
import { classifyAnswer, type DeliveryOutcome } from "./delivery-policy";
import type { DeliveryUnit, OutgoingRequest } from "./destination-type";
import type { UnitContext } from "./types";

/** A request that takes longer is a timeout, retried like a 5xx. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface EventResult {
  index: number;
  outcome: DeliveryOutcome;
  /** For a retry: the keys of the units that must be sent again (the others took the event). */
  owed?: string[];
}

export interface AttemptRecord {
  request: { url: string; method: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | { error: string };
  durationMs: number;
}

/**
 * Sends a batch of events to one destination: builds its units, sends them in parallel, and
 * answers each event's outcome. An event several units carry (one per matching subscription of an
 * Actions destination) gets the least final of their outcomes: a retry, else a refusal, else
 * delivered. Never throws for the destination's failures; `record` sees each request and answer
 * (the event tester shows them).
 */
export async function deliverBatch<Settings>(
  type: { units(events: readonly Record<string, unknown>[], settings: Settings, context?: UnitContext): Promise<DeliveryUnit[]> },
  settings: Settings,
  events: readonly Record<string, unknown>[],
  fetcher: typeof fetch,
  record?: (attempt: AttemptRecord) => void,
  context?: UnitContext,
): Promise<EventResult[]> {
  const units = await type.units(events, settings, context);
  const outcomes = new Map<number, DeliveryOutcome>();
  const owed = new Map<number, string[]>();
  await Promise.all(
    units.map(async (unit) => {
      const answered = await unit.send(fetcher, record);
      unit.events.forEach((index, position) => {
        const outcome = answered[position]!;
        outcomes.set(index, leastFinal(outcomes.get(index), outcome));
        if (outcome.kind === "retry" && unit.key !== undefined) owed.set(index, [...(owed.get(index) ?? []), unit.key]);
      });
    }),
  );
  return [...outcomes]
    .map(([index, outcome]) => ({ index, outcome, ...(outcome.kind === "retry" && owed.has(index) ? { owed: owed.get(index) } : {}) }))
    .sort((a, b) => a.index - b.index);
}

const FINALITY: Record<DeliveryOutcome["kind"], number> = { retry: 0, failed: 1, delivered: 2 };

function leastFinal(current: DeliveryOutcome | undefined, next: DeliveryOutcome): DeliveryOutcome {
  if (!current || FINALITY[next.kind] < FINALITY[current.kind]) return next;
  if (current.kind === "retry" && next.kind === "retry" && (next.retryAfterSeconds ?? 0) > (current.retryAfterSeconds ?? 0)) return next;
  return current;
}

/**
 * Units that share an event joined into one (its events in first-seen order), each event's
 * outcome the least final of its units': for senders that need one answer per event.
 */
export function mergeOverlappingUnits(units: readonly DeliveryUnit[]): DeliveryUnit[] {
  const groups: DeliveryUnit[][] = [];
  const groupOf = new Map<number, DeliveryUnit[]>();
  for (const unit of units) {
    const joined = [...new Set(unit.events.map((index) => groupOf.get(index)).filter((group) => group !== undefined))];
    const group = joined[0] ?? [];
    if (joined.length === 0) groups.push(group);
    for (const other of joined.slice(1)) {
      group.push(...other);
      groups.splice(groups.indexOf(other), 1);
    }
    group.push(unit);
    for (const member of group) for (const index of member.events) groupOf.set(index, group);
  }
  return groups.map((group) => (group.length === 1 ? group[0]! : joinedUnit(group)));
}

function joinedUnit(units: readonly DeliveryUnit[]): DeliveryUnit {
  const events = [...new Set(units.flatMap((unit) => unit.events))];
  return {
    events,
    send: async (fetcher, record) => {
      const outcomes = new Map<number, DeliveryOutcome>();
      for (const unit of units) {
        const answered = await unit.send(fetcher, record);
        unit.events.forEach((index, position) => outcomes.set(index, leastFinal(outcomes.get(index), answered[position]!)));
      }
      return events.map((index) => outcomes.get(index)!);
    },
  };
}

/** A request built ahead as a delivery unit: every event it carries shares its answer. */
export function requestUnit(request: OutgoingRequest): DeliveryUnit {
  return {
    events: request.events,
    send: async (fetcher, record) => {
      const outcome = await sendRequest(request, fetcher, record);
      return request.events.map(() => outcome);
    },
  };
}

/** Sends one request and classifies the answer; never throws for the destination's failures. */
async function sendRequest(request: OutgoingRequest, fetcher: typeof fetch, record?: (attempt: AttemptRecord) => void): Promise<DeliveryOutcome> {
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
