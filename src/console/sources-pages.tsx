import type { FC } from "hono/jsx";
import type { Source } from "../sources/source";
import { Sparkline, formatCount } from "./charts";
import { Layout, ScrollRegion } from "./layout";
import type { SourceActivity } from "./source-activity";
import { scriptUrlFor, snippetFor } from "./snippet";
import { RetentionPanel } from "./source-retention";
import { CsrfField, Pager } from "./ui";

/** Pure pages of the Sources section: functions of the data the routes load. */

export interface Viewer {
  subject: string;
  csrfToken: string;
}

export interface SourceRow {
  source: Source;
  activity: SourceActivity;
}

export interface SourcesPageProps extends Viewer {
  /** The sources of this page, oldest first. */
  rows: readonly SourceRow[];
  page: number;
  pageSize: number;
  /** How many sources there are in all. */
  total: number;
  /** The create form's error, and what was typed into it. */
  error?: string;
  name?: string;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

const Status: FC<{ enabled: boolean }> = ({ enabled }) => <span class={enabled ? "status on" : "status off"}>{enabled ? "Enabled" : "Disabled"}</span>;

/** A write key in a read-only field: focus it and it can be selected and copied without script. */
export const WriteKey: FC<{ id: string; value: string; label: string }> = ({ id, value, label }) => (
  <input class="key" id={id} type="text" readonly value={value} aria-label={label} spellcheck={false} autocomplete="off" />
);

export const COPY_SCRIPT_PATH = "/console/assets/copy.js";

/** Shown by client/copy.ts once it can copy; without script the value is selected by hand. */
const CopyButton: FC<{ target: string; label: string }> = ({ target, label }) => (
  <button type="button" class="secondary small" data-copy={target} hidden>
    {label}
  </button>
);

export const SourcesPage: FC<SourcesPageProps> = ({ subject, csrfToken, rows, page, pageSize, total, error, name }) => (
  <Layout title="Sources" current="sources" subject={subject} csrfToken={csrfToken}>
    <p class="lead">A source is where events come from: a website, an app, a server. Each has a write key that its events carry.</p>
    {total === 0 ? (
      <div class="empty">
        <p>
          <strong>No sources yet.</strong> Create one below, then paste its snippet into your site or send events with its write key.
        </p>
      </div>
    ) : (
      <ScrollRegion label="Sources" class="table-scroll">
        <table class="list sources">
          <caption class="visually-hidden">Sources, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Write key</th>
              <th scope="col">Last 24 hours</th>
              <th scope="col">Last 7 days</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ source, activity }) => (
              <tr>
                <th scope="row">
                  <a href={`/console/sources/${encodeURIComponent(source.id)}`}>{source.name}</a>
                </th>
                <td data-label="Status">
                  <Status enabled={source.enabled} />
                </td>
                <td data-label="Write key">
                  <WriteKey id={`key-${source.id}`} value={source.writeKey} label={`Write key of ${source.name}`} />
                </td>
                <td data-label="Last 24 hours">
                  <span class="spark">
                    <Sparkline values={activity.hourly} label={`${source.name}, events per hour over the last 24 hours`} />
                    <span class="count">{formatCount(sum(activity.hourly))}</span>
                  </span>
                </td>
                <td data-label="Last 7 days">
                  <span class="spark">
                    <Sparkline values={activity.daily} label={`${source.name}, events per day over the last 7 days`} />
                    <span class="count">{formatCount(sum(activity.daily))}</span>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    )}
    <Pager page={page} pageSize={pageSize} total={total} href={(n) => `/console/sources?page=${n}`} noun="sources" />
    {total > 0 ? <p class="note">Counts are per UTC hour and day, from what the pipeline recorded for schema discovery.</p> : null}

    <section class="panel" aria-labelledby="create-source">
      <h2 id="create-source">Create a source</h2>
      <form method="post" action="/console/sources" class="inline-form">
        <CsrfField token={csrfToken} />
        <label for="source-name">Name</label>
        <input
          id="source-name"
          name="name"
          type="text"
          required
          maxlength={200}
          value={name ?? ""}
          placeholder="Website"
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "source-name-error" : undefined}
        />
        <button type="submit">Create source</button>
      </form>
      {error ? (
        <p class="error" id="source-name-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  </Layout>
);

export interface SourcePageProps extends Viewer {
  source: Source;
  activity: SourceActivity;
  /** This deployment's origin, e.g. `https://data.example.com`: the snippet loads from it. */
  origin: string;
  /** The alias form's error, and what was typed into it. */
  aliasError?: string;
  alias?: string;
  /** The retention form's error, and what was typed into it. */
  retentionError?: string;
  retention?: string;
  /** What the last change did, e.g. "Source disabled." */
  notice?: string;
}

export const SourcePage: FC<SourcePageProps> = ({ subject, csrfToken, source, activity, origin, aliasError, alias, retentionError, retention, notice }) => {
  const base = `/console/sources/${encodeURIComponent(source.id)}`;
  return (
    <Layout title={source.name} current="sources" subject={subject} csrfToken={csrfToken}>
      <p class="crumbs">
        <a href="/console/sources">← All sources</a>
      </p>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <div class="facts">
        <Status enabled={source.enabled} />
        <span class="spark">
          <Sparkline values={activity.hourly} label="Events per hour over the last 24 hours" /> {formatCount(sum(activity.hourly))} in 24 h
        </span>
        <span class="spark">
          <Sparkline values={activity.daily} label="Events per day over the last 7 days" /> {formatCount(sum(activity.daily))} in 7 d
        </span>
        <a href={`${base}/debugger`}>Open the live debugger</a>
      </div>
      {sum(activity.daily) === 0 ? (
        <p class="empty">
          <strong>No events yet.</strong> Paste the snippet below into your site's <code>&lt;head&gt;</code>, or send a first event with the write key, then
          watch it arrive in the <a href={`${base}/debugger`}>live debugger</a>.
        </p>
      ) : null}

      <section class="panel" aria-labelledby="write-key">
        <h2 id="write-key">Write key</h2>
        <label for="write-key-value" class="visually-hidden">
          Write key
        </label>
        <div class="copyable">
          <WriteKey id="write-key-value" value={source.writeKey} label="Write key" />
          <CopyButton target="write-key-value" label="Copy write key" />
        </div>
        <p class="hint">
          Select it to copy, or use the button. Server libraries send it as the HTTP Basic user name to <code>{`${origin}/v1/track`}</code> and the other
          Tracking API endpoints.
        </p>
      </section>

      <section class="panel" aria-labelledby="snippet">
        <h2 id="snippet">Snippet for this site</h2>
        <p>
          Paste into the <code>&lt;head&gt;</code> of every page. It is Segment's analytics.js snippet, loading from this deployment
          {source.scriptAlias ? " through the script alias" : ""}.
        </p>
        <pre class="snippet" id="snippet-text" tabindex={0} aria-label="Snippet">
          {snippetFor(origin, source.writeKey, source.scriptAlias)}
        </pre>
        <CopyButton target="snippet-text" label="Copy snippet" />
        <p class="hint">
          Or load it with a plain tag:{" "}
          <code>{`<script src="${source.scriptAlias ? `${origin}/s/${source.scriptAlias}.js` : scriptUrlFor(origin, source.writeKey)}"></script>`}</code>
        </p>
      </section>

      <section class="panel" aria-labelledby="alias">
        <h2 id="alias">Script alias</h2>
        <p>
          {source.scriptAlias ? (
            <>
              analytics.js is also served at <code>{`${origin}/s/${source.scriptAlias}.js`}</code>, a path ad blockers do not recognise.
            </>
          ) : (
            <>No alias: analytics.js is served only at its Segment path. An alias serves it at a neutral path, which ad blockers do not recognise.</>
          )}
        </p>
        <form method="post" action={`${base}/alias`} class="inline-form">
          <CsrfField token={csrfToken} />
          <label for="alias-value">Alias</label>
          <span class="affix">
            /s/
            <input
              id="alias-value"
              name="scriptAlias"
              type="text"
              required
              pattern="[a-z0-9\-]{3,40}"
              value={alias ?? source.scriptAlias ?? ""}
              placeholder="site-assets"
              aria-invalid={aliasError ? "true" : undefined}
              aria-describedby="alias-rule"
            />
            .js
          </span>
          <button type="submit">{source.scriptAlias ? "Change alias" : "Set alias"}</button>
        </form>
        <p class="hint" id="alias-rule">
          3 to 40 lower-case letters, digits or dashes.
        </p>
        {aliasError ? (
          <p class="error" role="alert">
            {aliasError}
          </p>
        ) : null}
        {source.scriptAlias ? (
          <form method="post" action={`${base}/alias`} class="inline-form">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="remove" value="1" />
            <button type="submit" class="secondary">
              Remove alias
            </button>
          </form>
        ) : null}
      </section>

      <RetentionPanel base={base} csrfToken={csrfToken} retentionDays={source.retentionDays} typed={retention} error={retentionError} />

      <section class="panel" aria-labelledby="status">
        <h2 id="status">{source.enabled ? "Disable" : "Enable"}</h2>
        <p>
          {source.enabled
            ? "A disabled source refuses its events and its analytics.js settings, within a minute everywhere. Nothing is deleted."
            : "This source is disabled: its events are refused. Enable it to accept them again."}
        </p>
        <form method="post" action={`${base}/enabled`}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="enabled" value={source.enabled ? "false" : "true"} />
          <button type="submit" class={source.enabled ? "danger" : undefined}>
            {source.enabled ? "Disable source" : "Enable source"}
          </button>
        </form>
      </section>
      <script type="module" src={COPY_SCRIPT_PATH}></script>
    </Layout>
  );
};
