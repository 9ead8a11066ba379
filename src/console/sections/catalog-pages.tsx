import type { FC } from "hono/jsx";
import type { CatalogEntry } from "../../destinations/actions/catalog";
import type { Source } from "../../sources/source";
import { Layout } from "../layout";
import { MarkdownText, truncateText } from "../markdown-text";
import { CsrfField, EmptyState, FieldError, Pager } from "../ui";
import { CATALOG_PAGE_SIZE, type CatalogItem } from "./catalog-search";
import { ErrorNote, type PageContext } from "./destination-pages";
import { SettingsFields, type SettingsFieldsState } from "./settings-fields";
import { automaticPresets, type SetupErrors, type SetupFormValues } from "./setup-form";

export const catalogPath = (slug: string) => `/console/catalog/${encodeURIComponent(slug)}`;
const catalogHref = (query: string, page: number) =>
  `/console/catalog?${new URLSearchParams({ ...(query ? { q: query } : {}), page: String(page) }).toString()}`;
const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export interface CatalogPageProps extends PageContext {
  query: string;
  page: number;
  /** This page's destinations among those the query found. */
  items: readonly CatalogItem[];
  /** How many the query found, and how many there are. */
  found: number;
  total: number;
}

/** `/console/catalog`: Segment's Actions destinations this Worker runs, filtered by a GET form, a page at a time. */
export const CatalogPage: FC<CatalogPageProps> = ({ subject, csrfToken, query, page, items, found, total }) => (
  <Layout title="Catalog" current="catalog" subject={subject} csrfToken={csrfToken}>
    <p class="lead">
      {`${total} of Segment's open-source Actions destinations run in this Worker. Pick one to set it up; `}
      <a href="/console/destinations">Destinations</a> lists those already set up.
    </p>
    <form method="get" action="/console/catalog" class="lookup" role="search">
      <div class="stack grow">
        <label for="catalog-query">Filter by name, description or action</label>
        <input id="catalog-query" type="search" name="q" value={query} placeholder="amplitude, email, audiences…" />
      </div>
      <button type="submit">Filter</button>
      {query ? <a href="/console/catalog">Show all</a> : null}
    </form>
    {query ? (
      <p class="muted" role="status">
        {`${plural(found, "destination matches", "destinations match")} “${query}”.`}
      </p>
    ) : null}
    {items.length === 0 ? (
      <EmptyState title={found === 0 ? `No destination matches “${query}”` : "No destinations on this page"}>
        <p>
          {found === 0 ? "Try a shorter word, or the tool's name alone. " : null}
          <a href={found === 0 ? "/console/catalog" : catalogHref(query, 1)}>{found === 0 ? "Show every destination" : "Go to the first page"}</a>
        </p>
      </EmptyState>
    ) : (
      <ul class="catalog">
        {items.map((item) => (
          <li>
            <h2>
              <a href={catalogPath(item.slug)}>{item.name}</a>
            </h2>
            <p>
              {item.description ? (
                truncateText(item.description, 140)
              ) : (
                <span class="muted">{truncateText(`Actions: ${item.actionTitles.join(", ")}.`, 140)}</span>
              )}
            </p>
            <p class="muted">{`${plural(item.actions, "action", "actions")} · ${item.slug}`}</p>
          </li>
        ))}
      </ul>
    )}
    <Pager page={page} pageSize={CATALOG_PAGE_SIZE} total={found} href={(to) => catalogHref(query, to)} noun="destinations" />
  </Layout>
);

export interface SetupPageProps extends PageContext {
  entry: CatalogEntry;
  sources: readonly Pick<Source, "id" | "name">[];
  /** As typed, secrets blank. */
  values: SetupFormValues;
  /** Secrets typed into a form that came back: asked for again. */
  retype: readonly string[];
  errors: SetupErrors;
}

const invalid = (errors: SetupErrors, field: string, id: string) =>
  errors[field] ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : { "aria-invalid": undefined, "aria-describedby": undefined };

/** `/console/catalog/:slug`: the destination's setup form, generated from its settings fields, and its actions. */
export const SetupPage: FC<SetupPageProps> = ({ subject, csrfToken, entry, sources, values, retype, errors }) => {
  const settingsState: SettingsFieldsState = {
    fields: entry.settings,
    input: values.settings,
    errors: Object.fromEntries(Object.entries(errors).flatMap(([field, message]) => (field.startsWith("settings.") ? [[field.slice(9), message]] : []))),
    storedSecrets: [],
    retype,
  };
  const presets = automaticPresets(entry);
  const actionTitle = (key: string) => entry.actions.find((action) => action.key === key)?.title ?? key;
  const failed = Object.keys(errors).length > 0;
  return (
    <Layout title={`Set up ${entry.name}`} current="catalog" subject={subject} csrfToken={csrfToken}>
      <p class="crumbs">
        <a href="/console/catalog">Catalog</a> / <code>{entry.type}</code>
      </p>
      {entry.description ? (
        <p class="lead">
          <MarkdownText text={entry.description} />
        </p>
      ) : null}
      <ErrorNote message={errors.form ?? (failed ? "The destination was not created: fix the fields marked below." : undefined)} />
      <section class="panel" aria-labelledby="setup">
        <h2 id="setup">New destination</h2>
        <form method="post" action={catalogPath(entry.slug)} class="stack">
          <CsrfField token={csrfToken} />
          <div class="field">
            <label for="setup-name">
              Name
              <span class="req" aria-hidden="true">
                {" *"}
              </span>
            </label>
            <input id="setup-name" name="name" value={values.name} required maxlength={200} {...invalid(errors, "name", "setup-name")} />
            <FieldError id="setup-name-error" message={errors.name} />
          </div>
          <fieldset>
            <legend>Settings</legend>
            <SettingsFields state={settingsState} prefix="setup-setting" />
          </fieldset>
          <fieldset class="choices" aria-describedby={errors.sourceIds ? "setup-sources-error" : undefined}>
            <legend>Sources</legend>
            {sources.length === 0 ? (
              <p class="muted">No sources yet: create one under Sources, then connect it on the destination's page.</p>
            ) : (
              sources.map((source) => (
                <label class="inline">
                  <input type="checkbox" name="sourceIds" value={source.id} checked={values.sourceIds.includes(source.id)} /> {source.name}{" "}
                  <code>{source.id}</code>
                </label>
              ))
            )}
            <FieldError id="setup-sources-error" message={errors.sourceIds} />
          </fieldset>
          <div class="field">
            <label for="setup-consent">Consent categories</label>
            <input
              id="setup-consent"
              name="consentCategories"
              value={values.consentCategories}
              placeholder="Analytics, Advertising"
              aria-invalid={errors.consentCategories ? "true" : undefined}
              aria-describedby={`setup-consent-hint${errors.consentCategories ? " setup-consent-error" : ""}`}
            />
            <p class="hint" id="setup-consent-hint">
              Optional, comma-separated: events must have each granted.
            </p>
            <FieldError id="setup-consent-error" message={errors.consentCategories} />
          </div>
          <fieldset>
            <legend>Mappings</legend>
            {presets.length === 0 ? (
              <p class="hint">No default mappings: add them on the destination's page once it is created.</p>
            ) : (
              <>
                <p class="hint">Its default mappings, subscribed from the start; change or add mappings on the destination's page.</p>
                {presets.map(({ preset, index }) => (
                  <label class="inline">
                    <input type="checkbox" name="presets" value={index} checked={values.presets.includes(index)} />
                    <span>
                      <b>{preset.name}</b> <span class="muted">{actionTitle(preset.partnerAction)}, if</span> <code>{preset.subscribe}</code>
                    </span>
                  </label>
                ))}
              </>
            )}
          </fieldset>
          <div>
            <button type="submit">Create destination</button>
          </div>
        </form>
      </section>
      <section class="panel" aria-labelledby="actions">
        <h2 id="actions">Actions</h2>
        <p class="hint">What its mappings can do with an event.</p>
        <ul class="action-list">
          {entry.actions.map((action) => (
            <li>
              <b>{action.title}</b> <MarkdownText text={action.description} />
              {action.batching ? <span class="muted"> Can send in batches.</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
};
