import type { FC } from "hono/jsx";
import type { DestinationFilter } from "../../destinations/destination-store";
import type { Source } from "../../sources/source";
import type { FilterAction } from "../../filters/actions";
import { previewView } from "../filter-preview-view";
import { ViewTree } from "../view-tree";
import { ErrorNote, type FilterPreview } from "./destination-pages";
import type { FilterFormValues } from "./destination-form";
import { CsrfField } from "../ui";

/** The page script that previews the filter as it is typed (src/console/client/filter-preview.ts). */
export const FILTER_PREVIEW_SCRIPT_PATH = "/console/assets/filter-preview.js";

/** A destination's filters in the order they apply, and the form that adds one. */
export const FiltersSection: FC<{
  filters: readonly DestinationFilter[];
  form: FilterFormValues;
  error?: string | undefined;
  csrfToken: string;
  path: string;
}> = ({ filters, form, error, csrfToken, path }) => (
  <section class="panel" aria-labelledby="filters">
    <h2 id="filters">Filters</h2>
    <FilterList filters={filters} csrfToken={csrfToken} path={path} />
    <h3>Add a filter</h3>
    <ErrorNote message={error} />
    <form method="post" action={`${path}/filters`} class="stack">
      <CsrfField token={csrfToken} />
      <label>
        Title <input name="title" value={form.title} required maxlength={200} />
      </label>
      <FilterFields values={form} withNone={false} />
      <div>
        <button type="submit">Add filter</button>
      </div>
    </form>
  </section>
);

const describeAction = (action: FilterAction): string =>
  action.type === "DROP"
    ? "drop the event"
    : action.type === "SAMPLE"
      ? `keep ${action.percent * 100}%`
      : `${action.type === "DROP_PROPERTIES" ? "drop" : "keep only"} ${Object.entries(action.fields)
          .flatMap(([parent, names]) => names.map((name) => (parent ? `${parent}.${name}` : name)))
          .join(", ")}`;

const FilterList: FC<{ filters: readonly DestinationFilter[]; csrfToken: string; path: string }> = ({ filters, csrfToken, path }) =>
  filters.length === 0 ? (
    <p class="empty">No filters: every event its sources send reaches it. Add one below to drop events or properties, and try it first in the preview.</p>
  ) : (
    <ol class="filters">
      {filters.map((filter) => (
        <li>
          <b>{filter.title}</b> {filter.enabled ? null : <span class="pill pill-off">Disabled</span>}
          <div>
            If <code>{filter.if}</code>: {filter.actions.map(describeAction).join("; ")}
          </div>
          <form method="post" action={`${path}/filters/${encodeURIComponent(filter.id)}/delete`} class="inline-form">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary small">
              Delete
            </button>
          </form>
        </li>
      ))}
    </ol>
  );

const ACTIONS = [
  ["DROP", "Drop the event"],
  ["DROP_PROPERTIES", "Drop these fields"],
  ["ALLOW_PROPERTIES", "Keep only these fields"],
  ["SAMPLE", "Keep a sample"],
] as const;

/** The condition and the one action, shared by the add form and the preview. */
export const FilterFields: FC<{ values: FilterFormValues; withNone: boolean }> = ({ values, withNone }) => (
  <>
    <label>
      If <span class="muted">(FQL, or all)</span>
      <input name="if" value={values.if} class="mono" placeholder='type = "track" and event = "Order Completed"' required />
    </label>
    <label>
      Then
      <select name="action">
        {withNone ? (
          <option value="" selected={values.action === ""}>
            Nothing: only show whether it matches
          </option>
        ) : null}
        {ACTIONS.map(([value, label]) => (
          <option value={value} selected={values.action === value}>
            {label}
          </option>
        ))}
      </select>
    </label>
    <label>
      Fields <span class="muted">(for drop/keep fields, comma-separated: properties.email, context.ip)</span>
      <input name="fields" value={values.fields} class="mono" />
    </label>
    <label>
      Sample <span class="muted">(for a sample: the fraction kept, 0 to 1)</span>
      <input name="percent" value={values.percent} inputmode="decimal" />
    </label>
  </>
);

/**
 * Trying a filter on one event: a sample, one pasted, or one picked from a source's debugger.
 * The form posts to `preview` (the page comes back with the verdict); with its script, the
 * verdict follows what is typed or picked, from `preview.json`, by the same server code.
 */
export const PreviewSection: FC<{ preview: FilterPreview; sources: readonly Pick<Source, "id" | "name">[]; csrfToken: string; path: string }> = ({
  preview,
  sources,
  csrfToken,
  path,
}) => (
  <section class="panel" aria-labelledby="preview">
    <h2 id="preview">Try a filter</h2>
    <p class="muted">
      What a filter does to one event, through the same code as live delivery: the sample below, any event you paste, or one picked from a source's debugger.
    </p>
    <form method="post" action={`${path}/preview#preview-result`} class="stack" data-live={`${path}/preview.json`}>
      <CsrfField token={csrfToken} />
      <FilterFields values={preview.values} withNone={true} />
      <EventFields preview={preview} sources={sources} />
      <div>
        <button type="submit">Preview</button>
      </div>
    </form>
    <div class="result" id="preview-result" role="status">
      {preview.outcome ? previewView(preview.outcome).map((node) => <ViewTree node={node} />) : null}
    </div>
  </section>
);

/** The event to try: one picked from a source's debugger (the newest, listed by the server), or JSON. Shared by the filter and request previews. */
export const EventFields: FC<{
  preview: Pick<FilterPreview, "event" | "debuggerSourceId" | "picks" | "entryId">;
  sources: readonly Pick<Source, "id" | "name">[];
}> = ({ preview, sources }) => (
  <fieldset>
    <legend>Event</legend>
    {preview.debuggerSourceId === null ? null : (
      <>
        <label>
          From the debugger of <span class="muted">(after choosing another source, Preview lists its events)</span>
          <select name="debuggerSource">
            {sources.map((source) => (
              <option value={source.id} selected={source.id === preview.debuggerSourceId}>
                {source.name}
              </option>
            ))}
          </select>
        </label>
        {preview.picks.length === 0 ? (
          <p class="muted">
            No events in this source's debugger yet: send one (it shows in the{" "}
            <a href={`/console/sources/${encodeURIComponent(preview.debuggerSourceId)}/debugger`}>live debugger</a>), or paste an event below.
          </p>
        ) : (
          <label>
            Event <span class="muted">(its newest {preview.picks.length}, newest first; picking one puts it in the JSON below)</span>
            <select name="entry">
              <option value="" selected={preview.entryId === ""}>
                None: use the JSON below
              </option>
              {preview.picks.map((pick) => (
                <option value={pick.id} selected={pick.id === preview.entryId}>
                  {pick.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </>
    )}
    <label>
      JSON
      <textarea name="event" rows={10} class="mono">
        {preview.event}
      </textarea>
    </label>
  </fieldset>
);
