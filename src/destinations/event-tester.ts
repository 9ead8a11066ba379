import { deliverBatch, type AttemptRecord } from "./deliver";
import type { DeliveryOutcome } from "./delivery-policy";
import type { Destination } from "./destination-store";
import { MASK } from "./destination-settings";
import { destinationType, type UnitContext } from "./types";

/** A sample event for the event tester and the filter preview when none is given. */
export const sampleEvent = (now = new Date(), messageId = `test-${crypto.randomUUID()}`) => ({
  type: "track",
  event: "Sluice Test Event",
  userId: "test-user",
  messageId,
  timestamp: now.toISOString(),
  properties: { source: "Sluice event tester" },
  context: { library: { name: "sluice-event-tester", version: "1" } },
});

export interface EventTest {
  outcome: DeliveryOutcome | null;
  /** Each request as sent (credentials masked) and what came back. */
  attempts: AttemptRecord[];
}

/** The event tester shows the request as sent, except credentials. */
function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, key.toLowerCase() === "authorization" ? MASK : value]));
}

/**
 * Sends one event to a destination now, without filters or consent (the admin API's `/test` and
 * the console's event tester): what was sent, credentials masked, and what came back.
 */
export async function testDestination(
  destination: Destination,
  event: Record<string, unknown>,
  fetcher: typeof fetch,
  context?: UnitContext,
): Promise<EventTest> {
  const type = destinationType(destination.type);
  if (!type) throw new Error(`destination ${destination.id} has unknown type ${destination.type}`);
  const attempts: AttemptRecord[] = [];
  const [result] = await deliverBatch(type, destination.settings, [event], fetcher, (attempt) => attempts.push(attempt), context);
  const masked = attempts.map((attempt) => ({ ...attempt, request: { ...attempt.request, headers: maskHeaders(attempt.request.headers) } }));
  return { outcome: result?.outcome ?? null, attempts: masked };
}
