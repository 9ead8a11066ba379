import { describeExhausted, nextRetryDelaySeconds, type DeliveryOutcome } from "../../destinations/delivery-policy";
import type { StepContext, StepResult } from "../deletion-deps";

/** Subjects turned into requests at a time. */
const SUBJECTS_PER_ROUND = 20;

interface DeliveryRow extends Record<string, SqlStorageValue> {
  destination_id: string;
  state: string;
  next: number;
  attempts: number;
  first_attempt_at: number | null;
  retry_at: number | null;
  error: string | null;
}

/**
 * Forwards the deletion to every destination enabled when the step starts whose type takes
 * deletions (the webhook: `{"type":"delete","userId"}` per subject, signed like events; an
 * Actions destination with Segment's `onDelete`, such as Amplitude's or Braze's deletion API). Each
 * destination has its own cursor into the subjects and its own retries (live delivery's policy:
 * backoff, Retry-After, the 4-hour window), so a failing one never holds up the others; it ends
 * `failed`, and the regulation PARTIAL_SUCCESS. Types that take no deletions are `skipped`.
 */
export async function forwardDeletions(ctx: StepContext): Promise<StepResult> {
  const { deps } = ctx;
  const { state } = deps;
  if (state.getMeta("destinations_listed") === undefined) {
    const destinations = await deps.destinations();
    state.transaction(() => {
      for (const destination of destinations) {
        const takesDeletions = deps.destinationType(destination.type)?.deletions !== undefined;
        state.sql.exec("INSERT OR IGNORE INTO deliveries (destination_id, state) VALUES (?, ?)", destination.id, takesDeletions ? "pending" : "skipped");
        state.updateDestination(
          destination.id,
          takesDeletions
            ? { status: "pending", removed: { forwarded: 0 } }
            : { status: "skipped", error: `a ${destination.type} destination takes no deletions` },
        );
      }
      state.setMeta("destinations_listed", "1");
    });
  }
  const pending = state.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE state = 'pending' ORDER BY destination_id").toArray();
  const wakes = await Promise.all(pending.map((row) => forwardTo(ctx, row)));
  const waiting = wakes.filter((at): at is number => at !== null);
  return waiting.length === 0 ? "done" : { wakeAt: Math.min(...waiting) };
}

/** Sends one destination its deletions from its cursor; answers when to come back, or null once it is done or failed. */
async function forwardTo(ctx: StepContext, row: DeliveryRow): Promise<number | null> {
  const { deps } = ctx;
  const { state } = deps;
  const spec = state.spec()!;
  if (row.retry_at !== null && deps.now() < row.retry_at) return row.retry_at;
  const save = (change: Partial<DeliveryRow>) => {
    Object.assign(row, change);
    state.transaction(() => {
      state.sql.exec(
        "UPDATE deliveries SET state = ?, next = ?, attempts = ?, first_attempt_at = ?, retry_at = ?, error = ? WHERE destination_id = ?",
        row.state,
        row.next,
        row.attempts,
        row.first_attempt_at,
        row.retry_at,
        row.error,
        row.destination_id,
      );
      const status = row.state === "pending" ? "running" : row.state === "done" ? "done" : "failed";
      state.updateDestination(row.destination_id, { status, removed: { forwarded: row.next }, ...(row.error ? { error: row.error } : {}) });
    });
  };
  const destination = await deps.destination(row.destination_id);
  const type = destination ? deps.destinationType(destination.type) : undefined;
  if (!destination || !destination.enabled || !type?.deletions) {
    save({ state: "failed", error: "the destination was deleted or disabled during the deletion" });
    return null;
  }
  while (deps.now() <= ctx.deadline) {
    const subjects = state.subjects(row.next, SUBJECTS_PER_ROUND);
    if (subjects.length === 0) {
      save({ state: "done" });
      return null;
    }
    const units = await type.deletions(
      subjects.map(({ userId, position }) => ({ userId, messageId: `${spec.id}-${position}` })),
      destination.settings,
      deps.destinationContext?.(destination.id),
    );
    for (const unit of units) {
      const outcome = leastFinalOf(await unit.send(deps.fetcher));
      if (outcome.kind === "delivered") {
        save({ next: Math.max(...unit.events.map((index) => subjects[index]!.position)) + 1, attempts: 0, first_attempt_at: null, retry_at: null });
        continue;
      }
      if (outcome.kind === "failed") {
        save({ state: "failed", error: `the destination ${outcome.reason} to a deletion; not retried` });
        return null;
      }
      const now = deps.now();
      const attempts = row.attempts + 1;
      const firstAttemptAt = row.first_attempt_at ?? now;
      const delay = nextRetryDelaySeconds({
        attempts,
        firstAttemptAt,
        now,
        random: deps.random(),
        firstDelaySeconds: deps.firstRetryDelaySeconds,
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
      if (delay === null) {
        save({ state: "failed", error: describeExhausted(outcome.retryAfterSeconds) });
        return null;
      }
      save({ attempts, first_attempt_at: firstAttemptAt, retry_at: now + delay * 1000 });
      return row.retry_at;
    }
  }
  return deps.now();
}

/** One answer for a unit of deletions: a retry if any asks one (the longest wait), else a refusal, else done. */
function leastFinalOf(outcomes: readonly DeliveryOutcome[]): DeliveryOutcome {
  const retries = outcomes.filter((outcome) => outcome.kind === "retry");
  if (retries.length > 0) return retries.reduce((longest, next) => ((next.retryAfterSeconds ?? 0) > (longest.retryAfterSeconds ?? 0) ? next : longest));
  return outcomes.find((outcome) => outcome.kind === "failed") ?? { kind: "delivered" };
}
