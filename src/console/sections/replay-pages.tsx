import type { FC } from "hono/jsx";
import type { ReplaySummary } from "../../replay/replay-registry";
import { DEFAULT_REPLAY_RATE_PER_SECOND, MAX_REPLAY_RATE_PER_SECOND } from "../../replay/replay-request";
import { REPLAY_CANCELLED, type ReplayProgress } from "../../replay/replay-store";
import type { Source } from "../../sources/source";
import { Layout, ScrollRegion } from "../layout";
import { ErrorNote, type PageContext } from "./destination-pages";
import type { ReplayFormValues } from "./replay-form";
import { CsrfField } from "../ui";

export const REPLAY_EVENT_TYPES = ["track", "page", "screen", "identify", "group", "alias"] as const;
/** Seconds between reloads of a running replay's page. */
export const REPLAY_REFRESH_SECONDS = 2;

export interface ReplaysPageProps extends PageContext {
  replays: readonly ReplaySummary[];
  sources: readonly Source[];
  destinations: readonly { id: string; name: string; enabled: boolean; sourceIds: readonly string[] }[];
  form: ReplayFormValues;
  error?: string | undefined;
}

/** `2026-05-01T10:00:00.000Z` → `2026-05-01 10:00` (seconds only when there are some; UTC). */
export const shortInstant = (iso: string) => iso.replace("T", " ").replace(/(:00)?(\.0+)?Z$/, "");

const percent = (done: number, total: number) => (total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100)));

const Status: FC<{ status: string }> = ({ status }) => (
  <span class={`pill ${status === "finished" ? "pill-ok" : status === "failed" ? "pill-bad" : status === "cancelled" ? "pill-off" : "pill-warn"}`}>
    {status}
  </span>
);

/** `/console/replays`: the history, newest first, and the start form. */
export const ReplaysPage: FC<ReplaysPageProps> = ({ subject, csrfToken, replays, sources, destinations, form, error }) => {
  const names: Record<string, string> = Object.fromEntries<string>([
    ...sources.map((source): [string, string] => [source.id, source.name]),
    ...destinations.map((destination): [string, string] => [destination.id, destination.name]),
  ]);
  return (
    <Layout title="Replays" current="replays" subject={subject} csrfToken={csrfToken}>
      {replays.length === 0 ? (
        <p class="empty">No replays yet. Start one below to send a source's archived events again to its destinations, e.g. after fixing a destination.</p>
      ) : (
        <ScrollRegion label="Replays">
          <table class="list">
            <thead>
              <tr>
                <th>Replay</th>
                <th>Status</th>
                <th class="wide">Source</th>
                <th class="wide">Destinations</th>
                <th class="wide">Range (UTC)</th>
                <th class="num">Sent</th>
              </tr>
            </thead>
            <tbody>
              {replays.map((replay) => (
                <tr>
                  <td>
                    <a href={`/console/replays/${encodeURIComponent(replay.id)}`}>
                      <code>{replay.id}</code>
                    </a>
                  </td>
                  <td>
                    <Status status={replay.status} />
                  </td>
                  <td class="wide">{names[replay.sourceId] ?? replay.sourceId}</td>
                  <td class="wide">{replay.destinationIds.map((id) => names[id] ?? id).join(", ")}</td>
                  <td class="wide">{`${shortInstant(replay.from)} → ${shortInstant(replay.to)}`}</td>
                  <td class="num">{`${replay.sent} / ${replay.total}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <section class="panel" aria-labelledby="start-replay">
        <h2 id="start-replay">Start a replay</h2>
        <ErrorNote message={error} />
        {sources.length === 0 ? (
          <p class="empty">No sources yet: a replay sends a source's archived events, so create a source first (admin API: POST /api/v1/sources).</p>
        ) : (
          <form method="post" action="/console/replays" class="stack">
            <CsrfField token={csrfToken} />
            <label>
              Source
              <select name="sourceId">
                {sources.map((source) => (
                  <option value={source.id} selected={form.sourceId === source.id}>
                    {source.name}
                  </option>
                ))}
              </select>
            </label>
            <fieldset>
              <legend>Destinations</legend>
              {destinations.length === 0 ? (
                <p class="muted">
                  No destinations yet: <a href="/console/destinations">create one</a> connected to the source.
                </p>
              ) : (
                destinations.map((destination) => (
                  <label class="inline">
                    <input type="checkbox" name="destinationIds" value={destination.id} checked={form.destinationIds.includes(destination.id)} />{" "}
                    {destination.name}
                    {destination.enabled ? "" : " (disabled)"}
                  </label>
                ))
              )}
            </fieldset>
            <div class="row">
              <label>
                From (UTC) <input name="from" type="datetime-local" step={1} value={form.from} required />
              </label>
              <label>
                To (UTC) <input name="to" type="datetime-local" step={1} value={form.to} required />
              </label>
            </div>
            <fieldset class="choices">
              <legend>Event types</legend>
              <span class="muted">None checked: every type.</span>{" "}
              {REPLAY_EVENT_TYPES.map((type) => (
                <label class="inline">
                  <input type="checkbox" name="eventTypes" value={type} checked={form.eventTypes.includes(type)} />
                  <span>{type}</span>
                </label>
              ))}
            </fieldset>
            <label>
              Event names <span class="muted">(optional, one per line; none: every name)</span>
              <textarea name="eventNames" rows={3} placeholder={"Order Completed\nSigned Up"}>
                {form.eventNames}
              </textarea>
              <span class="muted">
                A track's event name, or a page or screen call's name: with names listed, calls without one (identify, group, alias) are left out.
              </span>
            </label>
            <label>
              Rate <span class="muted">(events per second per destination; empty: {DEFAULT_REPLAY_RATE_PER_SECOND})</span>
              <input
                name="ratePerSecond"
                type="number"
                inputmode="numeric"
                min={1}
                max={MAX_REPLAY_RATE_PER_SECOND}
                step={1}
                value={form.ratePerSecond}
                placeholder={String(DEFAULT_REPLAY_RATE_PER_SECOND)}
              />
              <span class="muted">Lower it for a destination that cannot take events faster.</span>
            </label>
            <div>
              <button type="submit">Start replay</button>
            </div>
          </form>
        )}
      </section>
    </Layout>
  );
};

export interface ReplayPageProps extends PageContext {
  replay: ReplayProgress;
  destinationNames: Readonly<Record<string, string>>;
  error?: string | undefined;
}

/** `/console/replays/:id`: progress per destination, reloaded while it runs, and a cancel button. */
export const ReplayPage: FC<ReplayPageProps> = ({ subject, csrfToken, replay, destinationNames, error }) => {
  const running = replay.status === "running";
  const done = replay.sent + replay.discarded + replay.failed;
  // A cancel ends a replay as failed; the page names it for what it was, and so each destination
  // it stopped (one that failed on its own keeps its error and its status).
  const cancelled = replay.status === "failed" && replay.error === REPLAY_CANCELLED;
  const shown = (status: string, partError?: string) => (cancelled && status === "failed" && !partError ? "cancelled" : status);
  return (
    <Layout title={`Replay ${replay.id}`} current="replays" subject={subject} csrfToken={csrfToken}>
      {running ? <meta http-equiv="refresh" content={String(REPLAY_REFRESH_SECONDS)} /> : null}
      <p class="crumbs">
        <a href="/console/replays">Replays</a> / <Status status={shown(replay.status)} /> {cancelled ? null : <span class="muted">{replay.phase}</span>}
      </p>
      <ErrorNote message={error} />
      {cancelled ? (
        <p class="notice" role="status">
          Cancelled by an admin: what was sent stays sent, nothing more goes out.
        </p>
      ) : replay.error ? (
        <p class="error" role="alert">
          {replay.error}
        </p>
      ) : null}
      <section class="panel">
        <p>
          {`Source ${replay.sourceId}, events received ${shortInstant(replay.from)} → ${shortInstant(replay.to)} UTC. `}
          {`${done} of ${replay.total} done: ${replay.sent} sent, ${replay.discarded} discarded, ${replay.failed} failed.`}
        </p>
        <progress max={100} value={percent(done, replay.total)} aria-label="Overall progress" />
        {running ? (
          <form method="post" action={`/console/replays/${encodeURIComponent(replay.id)}/cancel`}>
            <CsrfField token={csrfToken} />
            <button type="submit" class="danger">
              Cancel replay
            </button>{" "}
            <span class="muted">This page reloads every {REPLAY_REFRESH_SECONDS} seconds while the replay runs.</span>
          </form>
        ) : null}
      </section>
      <section class="panel" aria-labelledby="per-destination">
        <h2 id="per-destination">Per destination</h2>
        {replay.destinations.length === 0 ? (
          <p class="empty">No destination has started yet: the replay is still listing the archive.</p>
        ) : (
          <ScrollRegion label="Progress per destination">
            <table class="list">
              <thead>
                <tr>
                  <th>Destination</th>
                  <th>Status</th>
                  <th>Progress</th>
                  <th class="num wide">Sent</th>
                  <th class="num wide">Discarded</th>
                  <th class="num wide">Failed</th>
                </tr>
              </thead>
              <tbody>
                {replay.destinations.map((part) => (
                  <tr>
                    <td>
                      <a href={`/console/destinations/${encodeURIComponent(part.destinationId)}`}>
                        {destinationNames[part.destinationId] ?? part.destinationId}
                      </a>
                      {part.error ? <div class="error-text">{part.error}</div> : null}
                    </td>
                    <td>
                      <Status status={shown(part.status, part.error)} />
                    </td>
                    <td>
                      <progress max={100} value={percent(part.sent + part.discarded + part.failed, part.total)} />{" "}
                      {`${part.sent + part.discarded + part.failed} / ${part.total}`}
                    </td>
                    <td class="num wide">{part.sent}</td>
                    <td class="num wide">{part.discarded}</td>
                    <td class="num wide">{part.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>
    </Layout>
  );
};
