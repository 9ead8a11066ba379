import type { FC } from "hono/jsx";
import { deliveryHealth } from "../../destinations/delivery-health";
import type { DeadLetteredDelivery } from "../../destinations/dead-letters";
import type { DeliveryHour, DeliveryMetrics } from "../../destinations/delivery-stats";
import type { Destination, DestinationFilter } from "../../destinations/destination-store";
import type { EventTest } from "../../destinations/event-tester";
import type { Source } from "../../sources/source";
import type { CatalogEntry } from "../../destinations/actions/catalog";
import type { Subscription } from "../../destinations/actions/subscriptions";
import type { PreviewOutcome } from "../filter-preview-view";
import type { RequestPreviewOutcome } from "../request-preview-view";
import { Layout, ScrollRegion } from "../layout";
import type { DestinationEdit } from "./destination-edit";
import type { DebuggerPick } from "./debugger-picks";
import type { DestinationFormValues, FilterFormValues } from "./destination-form";
import type { MappingEditor } from "./subscriptions-form";
import { CsrfField } from "../ui";

/** Who is signed in and the CSRF token every form carries. */
export interface PageContext {
  subject: string;
  csrfToken: string;
}

export const ErrorNote: FC<{ message?: string | undefined }> = ({ message }) =>
  message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;

export interface DestinationsPageProps extends PageContext {
  destinations: readonly { destination: Destination; metrics: DeliveryMetrics }[];
  sources: readonly Source[];
  form: DestinationFormValues;
  error?: string | undefined;
}

/** `/console/destinations`: every destination with its delivery health, and the create form. */
export const DestinationsPage: FC<DestinationsPageProps> = ({ subject, csrfToken, destinations, sources, form, error }) => (
  <Layout title="Destinations" current="destinations" subject={subject} csrfToken={csrfToken}>
    <p class="lead">
      Set up any of Segment's Actions destinations from the <a href="/console/catalog">Catalog</a>, or create a webhook or Segment destination below.
    </p>
    {destinations.length === 0 ? (
      <p class="empty">
        No destinations yet. Create one below: a webhook receives each event as JSON, a Segment destination forwards events to a write key; or pick one from the{" "}
        <a href="/console/catalog">Catalog</a>.
      </p>
    ) : (
      <ScrollRegion label="Destinations">
        <table class="list">
          <thead>
            <tr>
              <th>Name</th>
              <th class="wide">Type</th>
              <th>Health (24 h)</th>
              <th class="num wide">Delivered</th>
              <th class="num wide">Failed</th>
              <th class="num wide">Discarded</th>
              <th class="num wide">p95</th>
            </tr>
          </thead>
          <tbody>
            {destinations.map(({ destination, metrics }) => {
              const health = deliveryHealth(metrics, destination.enabled);
              return (
                <tr>
                  <td>
                    <a href={`/console/destinations/${encodeURIComponent(destination.id)}`}>{destination.name}</a>
                  </td>
                  <td class="wide">{destination.type}</td>
                  <td>
                    <span class={`pill pill-${health.level}`}>{health.label}</span>
                  </td>
                  <td class="num wide">{metrics.delivered}</td>
                  <td class="num wide">{metrics.failed}</td>
                  <td class="num wide">{metrics.discarded}</td>
                  <td class="num wide">{metrics.p95LatencyMs === null ? "–" : `${metrics.p95LatencyMs} ms`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
    )}
    <CreateDestinationForm csrfToken={csrfToken} sources={sources} form={form} error={error} />
  </Layout>
);

const CreateDestinationForm: FC<{ csrfToken: string; sources: readonly Source[]; form: DestinationFormValues; error?: string | undefined }> = ({
  csrfToken,
  sources,
  form,
  error,
}) => (
  <section class="panel" aria-labelledby="create-destination">
    <h2 id="create-destination">Create a destination</h2>
    <ErrorNote message={error} />
    <form method="post" action="/console/destinations" class="stack">
      <CsrfField token={csrfToken} />
      <label>
        Name <input name="name" value={form.name} required maxlength={200} />
      </label>
      <fieldset>
        <legend>Type</legend>
        <label class="inline">
          <input type="radio" name="type" value="webhook" checked={form.type !== "segment"} />
          <span>Webhook</span>
        </label>
        <label class="inline">
          <input type="radio" name="type" value="segment" checked={form.type === "segment"} />
          <span>Segment (any Segment-compatible API)</span>
        </label>
      </fieldset>
      <fieldset>
        <legend>Webhook settings</legend>
        <label>
          URL <input name="url" type="url" value={form.url} placeholder="https://example.com/hooks/sluice" />
        </label>
        <label>
          Shared secret <span class="muted">(optional: signs each body in X-Signature)</span>
          <input name="sharedSecret" type="password" value={form.sharedSecret} autocomplete="off" />
        </label>
        <label>
          Headers <span class="muted">(optional, one "Name: value" per line)</span>
          <textarea name="headers" rows={2}>
            {form.headers}
          </textarea>
        </label>
        <label class="inline">
          <input type="checkbox" name="batch" checked={form.batch} />
          <span>Send events in batches (one JSON array per request)</span>
        </label>
      </fieldset>
      <fieldset>
        <legend>Segment settings</legend>
        <label>
          Endpoint <span class="muted">(optional, default https://api.segment.io)</span>
          <input name="endpoint" type="url" value={form.endpoint} />
        </label>
        <label>
          Write key <input name="writeKey" type="password" value={form.writeKey} autocomplete="off" />
        </label>
      </fieldset>
      <fieldset>
        <legend>Sources</legend>
        {sources.length === 0 ? (
          <p class="muted">No sources yet: create one with the admin API (POST /api/v1/sources), then connect it here or later.</p>
        ) : (
          sources.map((source) => (
            <label class="inline">
              <input type="checkbox" name="sourceIds" value={source.id} checked={form.sourceIds.includes(source.id)} /> {source.name} <code>{source.id}</code>
            </label>
          ))
        )}
      </fieldset>
      <label>
        Consent categories <span class="muted">(optional, comma-separated: events must have each granted)</span>
        <input name="consentCategories" value={form.consentCategories} placeholder="Analytics, Advertising" />
      </label>
      <div>
        <button type="submit">Create destination</button>
      </div>
    </form>
  </section>
);

export interface FilterPreview {
  values: FilterFormValues;
  /** The event's JSON as typed, or the event picked from the debugger. */
  event: string;
  /** Whose debugger events are offered (null when there are no sources), and its newest. */
  debuggerSourceId: string | null;
  picks: readonly Pick<DebuggerPick, "id" | "label">[];
  /** The debugger event picked, or "" for the JSON. */
  entryId: string;
  outcome?: PreviewOutcome | undefined;
}

/** The request preview of an Actions destination: the event (typed or picked) and, once posted, what each mapping would send. */
export interface RequestPreview extends Pick<FilterPreview, "event" | "debuggerSourceId" | "picks" | "entryId"> {
  outcome?: RequestPreviewOutcome | undefined;
}

/** What an Actions destination's page adds: its catalog entry, its mappings with their editor, and the request preview. */
export interface ActionsPanels {
  entry: CatalogEntry;
  subscriptions: readonly Subscription[];
  /** The digest of `subscriptions` the forms carry (subscriptions-form.ts). */
  version: string;
  editor: MappingEditor;
  requests: RequestPreview;
  /** What a mapping change just did, or why it was refused. */
  notice?: string | undefined;
  error?: string | undefined;
}

export interface DestinationPageProps extends PageContext {
  destination: Destination;
  /** Every source, for the names of those connected and the edit form's choices. */
  sources: readonly Pick<Source, "id" | "name">[];
  edit: DestinationEdit;
  filters: readonly DestinationFilter[];
  metrics: DeliveryMetrics;
  hours: readonly DeliveryHour[];
  deadLetters: readonly DeadLetteredDelivery[];
  moreDeadLetters: boolean;
  filterForm: FilterFormValues;
  filterError?: string | undefined;
  preview: FilterPreview;
  test: { event: string; result?: EventTest | undefined; error?: string | undefined };
  /** Present for an Actions destination. */
  actions?: ActionsPanels | undefined;
  /** What a POST just did (a re-drive), or why it was refused. */
  notice?: string | undefined;
  error?: string | undefined;
}
