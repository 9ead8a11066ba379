import type { FC } from "hono/jsx";
import type { DeadLetteredDelivery } from "../../destinations/dead-letters";
import type { EventTest } from "../../destinations/event-tester";
import { Layout } from "../layout";
import { DeliveryChart } from "./delivery-chart";
import { EditDestinationSection } from "./destination-edit";
import { FILTER_PREVIEW_SCRIPT_PATH, FiltersSection, PreviewSection } from "./destination-filters";
import { deliveryHealth } from "../../destinations/delivery-health";
import { ErrorNote, type DestinationPageProps } from "./destination-pages";
import { CsrfField } from "../ui";
import { catalogPath } from "./catalog-pages";
import { RequestPreviewSection, REQUEST_PREVIEW_SCRIPT_PATH } from "./request-preview-section";
import { MappingsSection } from "./subscriptions-editor";

const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const base = (id: string) => `/console/destinations/${encodeURIComponent(id)}`;

/**
 * `/console/destinations/:id`: settings, an Actions destination's mappings and request preview,
 * filters and their preview, delivery, the event tester, dead letters.
 */
export const DestinationPage: FC<DestinationPageProps> = (props) => {
  const { destination, csrfToken, metrics, actions } = props;
  const health = deliveryHealth(metrics, destination.enabled);
  const path = base(destination.id);
  return (
    <Layout title={destination.name} current="destinations" subject={props.subject} csrfToken={csrfToken}>
      <p class="crumbs">
        <a href="/console/destinations">Destinations</a> / <code>{destination.id}</code> <span class={`pill pill-${health.level}`}>{health.label}</span>
      </p>
      <ErrorNote message={props.error} />
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}

      <section class="panel" aria-labelledby="settings">
        <h2 id="settings">Settings</h2>
        <dl class="facts">
          <dt>Type</dt>
          <dd>
            {actions ? (
              <>
                <a href={catalogPath(actions.entry.slug)}>{actions.entry.name}</a> <code>{destination.type}</code>
              </>
            ) : (
              destination.type
            )}
          </dd>
          {Object.entries(destination.settings)
            .filter(([key]) => !(actions && key === "subscriptions"))
            .map(([key, value]) => (
              <>
                <dt>{actions ? (actions.entry.settings[key]?.label ?? (key === "oauth" ? "OAuth tokens" : key)) : key}</dt>
                <dd>
                  <code>{typeof value === "string" ? value : JSON.stringify(value)}</code>
                </dd>
              </>
            ))}
          {actions ? (
            <>
              <dt>Mappings</dt>
              <dd>
                <a href="#mappings">{`${actions.subscriptions.filter((subscription) => subscription.enabled).length} enabled of ${actions.subscriptions.length}`}</a>
              </dd>
            </>
          ) : null}
          <dt>Sources</dt>
          <dd>
            {destination.sourceIds.length === 0
              ? "None: it receives no events until a source is connected (under Change settings)."
              : destination.sourceIds.map((id) => props.sources.find((source) => source.id === id)?.name ?? id).join(", ")}
          </dd>
          <dt>Consent categories</dt>
          <dd>{destination.consentCategories.length === 0 ? "None required" : destination.consentCategories.join(", ")}</dd>
        </dl>
        <form method="post" action={`${path}/enabled`}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="enabled" value={destination.enabled ? "false" : "true"} />
          <button type="submit" class={destination.enabled ? "secondary" : ""}>
            {destination.enabled ? "Disable" : "Enable"}
          </button>{" "}
          <span class="muted">{destination.enabled ? "Enabled: receiving events." : "Disabled: receives nothing until enabled."}</span>
        </form>
      </section>

      {actions ? (
        <>
          <MappingsSection actions={actions} csrfToken={csrfToken} path={path} />
          <RequestPreviewSection preview={actions.requests} sources={props.sources} csrfToken={csrfToken} path={path} />
        </>
      ) : null}

      <EditDestinationSection destination={destination} sources={props.sources} edit={props.edit} csrfToken={csrfToken} path={path} />

      <section class="panel" aria-labelledby="delivery">
        <h2 id="delivery">Delivery, last {metrics.windowHours} hours</h2>
        <ul class="stats">
          <li>
            <b>{metrics.delivered}</b> delivered
          </li>
          <li>
            <b>{metrics.failed}</b> failed
          </li>
          <li>
            <b>{metrics.retrying}</b> waiting for a retry
          </li>
          <li>
            <b>{metrics.discarded}</b> discarded
          </li>
          <li>
            <b>{metrics.p95LatencyMs === null ? "–" : `${metrics.p95LatencyMs} ms`}</b> p95 latency
          </li>
        </ul>
        {Object.keys(metrics.discardedByReason).length > 0 ? (
          <p class="muted">
            Discarded by reason:{" "}
            {Object.entries(metrics.discardedByReason)
              .map(([reason, count]) => `${reason} ${count}`)
              .join(", ")}
          </p>
        ) : null}
        <DeliveryChart hours={props.hours} />
      </section>

      <FiltersSection filters={props.filters} form={props.filterForm} error={props.filterError} csrfToken={csrfToken} path={path} />

      <PreviewSection preview={props.preview} sources={props.sources} csrfToken={csrfToken} path={path} />
      <TesterSection test={props.test} csrfToken={csrfToken} path={path} />
      <DeadLetters deadLetters={props.deadLetters} more={props.moreDeadLetters} csrfToken={csrfToken} path={path} enabled={destination.enabled} />
      <script type="module" src={FILTER_PREVIEW_SCRIPT_PATH}></script>
      {actions ? <script type="module" src={REQUEST_PREVIEW_SCRIPT_PATH}></script> : null}
    </Layout>
  );
};

const TesterSection: FC<{ test: { event: string; result?: EventTest | undefined; error?: string | undefined }; csrfToken: string; path: string }> = ({
  test,
  csrfToken,
  path,
}) => (
  <section class="panel" aria-labelledby="tester">
    <h2 id="tester">Event tester</h2>
    <p class="muted">Sends one event now, without filters or consent, and shows what was sent and what came back.</p>
    <ErrorNote message={test.error} />
    <form method="post" action={`${path}/test#tester-result`} class="stack">
      <CsrfField token={csrfToken} />
      <label>
        Event <span class="muted">(JSON)</span>
        <textarea name="event" rows={8} class="mono">
          {test.event}
        </textarea>
      </label>
      <div>
        <button type="submit">Send test event</button>
      </div>
    </form>
    {test.result ? <Attempts result={test.result} /> : null}
  </section>
);

const Attempts: FC<{ result: EventTest }> = ({ result }) => (
  <div class="result" id="tester-result" role="status">
    <p>
      Outcome: <b>{result.outcome ? result.outcome.kind : "nothing sent"}</b>
      {result.outcome && "reason" in result.outcome && typeof result.outcome.reason === "string" ? ` (${result.outcome.reason})` : ""}
    </p>
    {result.attempts.map((attempt) => (
      <div class="attempt">
        <h3>
          Sent: {attempt.request.method} <code>{attempt.request.url}</code>
        </h3>
        <pre class="mono" tabindex={0}>{`${Object.entries(attempt.request.headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join("\n")}\n\n${attempt.request.body}`}</pre>
        <h3>Came back{` after ${attempt.durationMs} ms`}</h3>
        <pre class="mono" tabindex={0}>
          {"error" in attempt.response
            ? `No answer: ${attempt.response.error}`
            : `${attempt.response.status}\n${Object.entries(attempt.response.headers)
                .map(([name, value]) => `${name}: ${value}`)
                .join("\n")}\n\n${attempt.response.body}`}
        </pre>
      </div>
    ))}
  </div>
);

const DeadLetters: FC<{ deadLetters: readonly DeadLetteredDelivery[]; more: boolean; csrfToken: string; path: string; enabled: boolean }> = ({
  deadLetters,
  more,
  csrfToken,
  path,
  enabled,
}) => (
  <section class="panel" aria-labelledby="dead-letters">
    <h2 id="dead-letters">Recent errors: dead letters</h2>
    {deadLetters.length === 0 ? (
      <p class="empty">No dead letters: nothing was refused or left undelivered after its retries. Events that fail for good show here, with the reason.</p>
    ) : (
      <>
        <form method="post" action={`${path}/dead-letters/redrive`}>
          <CsrfField token={csrfToken} />
          <button type="submit" disabled={!enabled}>
            Re-drive all
          </button>{" "}
          <span class="muted">
            {enabled
              ? "Sends them again as first attempts, then removes them; a letter's own button re-drives only it."
              : "Enable the destination to re-drive its dead letters."}
          </span>
        </form>
        <ul class="dead-letters">
          {deadLetters.map((letter) => (
            <li>
              <p>
                <b>{letter.reason}</b> <span class="muted">{`${letter.deadLetteredAt} · from ${letter.from} · ${letter.events.length} event(s)`}</span>
              </p>
              <form method="post" action={`${path}/dead-letters/redrive`} class="inline-form">
                <CsrfField token={csrfToken} />
                <input type="hidden" name="id" value={letter.id} />
                <button type="submit" class="secondary small" disabled={!enabled}>
                  Re-drive
                </button>
              </form>
              <details>
                <summary>What was sent</summary>
                <pre class="mono" tabindex={0}>
                  {pretty(letter.events)}
                </pre>
              </details>
            </li>
          ))}
        </ul>
        {more ? <p class="muted">Showing the oldest {deadLetters.length}; re-drive them to see the rest.</p> : null}
      </>
    )}
  </section>
);
