import type { FC } from "hono/jsx";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from "../sources/source";
import { CsrfField, FieldError } from "./ui";

/** A source page's archive retention panel: how long the archive keeps its events, and the form that changes it. */
export const RetentionPanel: FC<{
  base: string;
  csrfToken: string;
  retentionDays: number | undefined;
  /** What was typed into the form when it was refused, and why. */
  typed?: string | undefined;
  error?: string | undefined;
}> = ({ base, csrfToken, retentionDays, typed, error }) => (
  <section class="panel" aria-labelledby="retention">
    <h2 id="retention">Archive retention</h2>
    <p>
      {retentionDays === undefined
        ? "The archive keeps every event of this source. Set a number of days to have older hours deleted from it, every hour."
        : `The archive keeps this source's events ${retentionDays} ${retentionDays === 1 ? "day" : "days"}: every hour, hours that ended before that are deleted from it.`}{" "}
      Replays and exports reach only what the archive still holds.
    </p>
    <form method="post" action={`${base}/retention#retention`} class="inline-form">
      <CsrfField token={csrfToken} />
      <label for="retention-days">Days to keep</label>
      <input
        id="retention-days"
        name="retentionDays"
        type="number"
        required
        min={MIN_RETENTION_DAYS}
        max={MAX_RETENTION_DAYS}
        step={1}
        value={typed ?? (retentionDays === undefined ? "" : String(retentionDays))}
        placeholder="90"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? "retention-rule retention-error" : "retention-rule"}
      />
      <button type="submit">Set retention</button>
    </form>
    <p class="hint" id="retention-rule">
      {`A whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.`}
    </p>
    <FieldError id="retention-error" message={error} />
    {retentionDays === undefined ? null : (
      <form method="post" action={`${base}/retention#retention`} class="inline-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="unlimited" value="1" />
        <button type="submit" class="secondary">
          Keep everything
        </button>
      </form>
    )}
  </section>
);
