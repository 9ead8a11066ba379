import type { FC } from "hono/jsx";
import { MASK } from "../../destinations/destination-settings";
import type { Destination } from "../../destinations/destination-store";
import type { Source } from "../../sources/source";
import { FieldError } from "../ui";
import type { DestinationEditValues, EditField, EditProblem } from "./destination-form";
import { CsrfField } from "../ui";
import { ErrorNote } from "./destination-pages";
import { SettingsFields, type SettingsFieldsState } from "./settings-fields";

export interface DestinationEdit {
  values: DestinationEditValues;
  error?: EditProblem | undefined;
  /** An Actions destination's settings, generated from its catalog fields (instead of a webhook's or Segment's). */
  settings?: SettingsFieldsState | undefined;
  /** Just saved: the form says so. */
  saved?: boolean | undefined;
}

/** `aria-invalid` and `aria-describedby` of a field, pointing at its error when it has one. */
const invalid = (error: EditProblem | undefined, field: EditField, hint?: string) => {
  const wrong = error?.field === field;
  const described = [hint, wrong ? `edit-${field}-error` : undefined].filter(Boolean).join(" ");
  return { "aria-invalid": wrong ? "true" : undefined, "aria-describedby": described || undefined };
};

const Problem: FC<{ error: EditProblem | undefined; field: EditField }> = ({ error, field }) => (
  <FieldError id={`edit-${field}-error`} message={error?.field === field ? error.message : undefined} />
);

/**
 * The destination's edit form: everything `PATCH /api/v1/destinations/:id` changes, saved by the
 * same code (changeDestination). Secrets are never written into the page: their fields start
 * blank, and blank keeps what is stored.
 */
export const EditDestinationSection: FC<{
  destination: Destination;
  sources: readonly Pick<Source, "id" | "name">[];
  edit: DestinationEdit;
  csrfToken: string;
  path: string;
}> = ({ destination, sources, edit, csrfToken, path }) => {
  const { values, error } = edit;
  const secretStored = (name: string) => destination.settings[name] === MASK;
  return (
    <section class="panel" aria-labelledby="edit">
      <h2 id="edit">Change settings</h2>
      {edit.saved ? (
        <p class="notice" role="status">
          Changes saved: they apply to the next events delivered.
        </p>
      ) : null}
      <form method="post" action={`${path}/settings#edit`} class="stack">
        <CsrfField token={csrfToken} />
        <label>
          Name <input name="name" value={values.name} required maxlength={200} {...invalid(error, "name")} />
        </label>
        <Problem error={error} field="name" />
        <label class="inline">
          <input type="checkbox" name="enabled" checked={values.enabled} />
          <span>Enabled: events from its sources are delivered</span>
        </label>
        {edit.settings ? (
          <fieldset>
            <legend>Destination settings</legend>
            <ErrorNote message={edit.settings.formError} />
            <SettingsFields state={edit.settings} prefix="edit-setting" />
          </fieldset>
        ) : destination.type === "webhook" ? (
          <fieldset>
            <legend>Webhook settings</legend>
            <label>
              URL <input name="url" type="url" value={values.url} required {...invalid(error, "url")} />
            </label>
            <Problem error={error} field="url" />
            <label>
              Shared secret{" "}
              <span class="muted" id="edit-secret-hint">
                {secretStored("sharedSecret") ? "(one is stored: leave blank to keep it, or type a new one)" : "(optional: signs each body in X-Signature)"}
              </span>
              <input name="sharedSecret" type="password" value="" autocomplete="new-password" {...invalid(error, "sharedSecret", "edit-secret-hint")} />
            </label>
            <Problem error={error} field="sharedSecret" />
            {secretStored("sharedSecret") ? (
              <label class="inline">
                <input type="checkbox" name="removeSharedSecret" checked={values.removeSharedSecret} />
                <span>Remove the stored secret: send bodies unsigned</span>
              </label>
            ) : null}
            <label>
              Headers <span class="muted">(optional, one "Name: value" per line)</span>
              <textarea name="headers" rows={2} {...invalid(error, "headers")}>
                {values.headers}
              </textarea>
            </label>
            <Problem error={error} field="headers" />
            <label class="inline">
              <input type="checkbox" name="batch" checked={values.batch} />
              <span>Send events in batches (one JSON array per request)</span>
            </label>
          </fieldset>
        ) : (
          <fieldset>
            <legend>Segment settings</legend>
            <label>
              Endpoint <input name="endpoint" type="url" value={values.endpoint} {...invalid(error, "endpoint")} />
            </label>
            <Problem error={error} field="endpoint" />
            <label>
              Write key{" "}
              <span class="muted" id="edit-write-key-hint">
                (one is stored: leave blank to keep it, or type a new one)
              </span>
              <input name="writeKey" type="password" value="" autocomplete="new-password" {...invalid(error, "writeKey", "edit-write-key-hint")} />
            </label>
            <Problem error={error} field="writeKey" />
          </fieldset>
        )}
        <fieldset>
          <legend>Sources</legend>
          {sources.length === 0 ? (
            <p class="muted">No sources yet: create one under Sources, then connect it here.</p>
          ) : (
            sources.map((source) => (
              <label class="inline">
                <input type="checkbox" name="sourceIds" value={source.id} checked={values.sourceIds.includes(source.id)} /> {source.name}{" "}
                <code>{source.id}</code>
              </label>
            ))
          )}
        </fieldset>
        <Problem error={error} field="sourceIds" />
        <label>
          Consent categories <span class="muted">(comma-separated: events must have each granted; empty for none)</span>
          <input name="consentCategories" value={values.consentCategories} placeholder="Analytics, Advertising" {...invalid(error, "consentCategories")} />
        </label>
        <Problem error={error} field="consentCategories" />
        <div>
          <button type="submit">Save changes</button>
        </div>
      </form>
    </section>
  );
};
