import { parseRetryAfter } from "../../retry/retry-after";
import { classifyAnswer, type DeliveryOutcome } from "../delivery-policy";

/** A request of an action that never got an answer (refused connection, DNS): retried. */
export class UnansweredRequest extends Error {
  override name = "UnansweredRequest";
}

interface ThrownByAction {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: { get?(name: string): string | null } };
}

/**
 * What an action's failure means, by the same policy as a webhook's answer: the destination's own
 * HTTP status when the framework saw one (HTTPError), the status an action gave its error
 * (IntegrationError, PayloadValidationError, a payload refused by the schema: 400), a retry for
 * timeouts, unanswered requests and RetryableError; anything else is the action refusing the
 * event, which sending again would not change.
 */
export function classifyActionError(error: unknown, now: number): DeliveryOutcome {
  const thrown = (typeof error === "object" && error !== null ? error : {}) as ThrownByAction;
  const message = typeof thrown.message === "string" && thrown.message ? thrown.message : String(error);
  const answered = thrown.response?.status;
  if (typeof answered === "number") {
    const retryAfter = parseRetryAfter(thrown.response?.headers?.get?.("Retry-After") ?? null, now);
    return withDetail(classifyAnswer(answered, retryAfter), message);
  }
  if (error instanceof UnansweredRequest) return classifyAnswer("network-error");
  if (thrown.name === "TimeoutError" || thrown.code === "REQUESTTIMEOUTERROR") return classifyAnswer("timeout");
  if (thrown.name === "RetryableError") return { kind: "retry", reason: `asked to retry: ${message}` };
  if (typeof thrown.status === "number" && thrown.status >= 400) return withDetail(classifyAnswer(thrown.status), message);
  return { kind: "failed", reason: `refused the event: ${message}` };
}

function withDetail(outcome: DeliveryOutcome, message: string): DeliveryOutcome {
  return outcome.kind === "delivered" ? outcome : { ...outcome, reason: `${outcome.reason} (${message.slice(0, 300)})` };
}
