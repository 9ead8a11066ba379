import type { FC } from "hono/jsx";
import type { CatalogAction, CatalogEntry } from "../../destinations/actions/catalog";
import type { Subscription } from "../../destinations/actions/subscriptions";
import { MarkdownText } from "../markdown-text";
import { CsrfField, EmptyState, FieldError } from "../ui";
import { ErrorNote, type ActionsPanels } from "./destination-pages";
import { mappingTemplates, type MappingEditor, type MappingField } from "./subscriptions-form";

/**
 * An Actions destination's mappings (Segment's subscriptions): each with its action, condition
 * and state, buttons to enable, disable or delete it, and the editor that adds or changes one.
 * Every form posts; the forms carry the list's version, so a change made meanwhile is not overwritten.
 */
export const MappingsSection: FC<{ actions: ActionsPanels; csrfToken: string; path: string }> = ({ actions, csrfToken, path }) => {
  const { entry, subscriptions, version } = actions;
  const titleOf = (key: string) => entry.actions.find((action) => action.key === key)?.title ?? key;
  return (
    <section class="panel" aria-labelledby="mappings">
      <h2 id="mappings">Mappings</h2>
      <p class="hint">Each mapping sends the events its condition matches through one of the destination's actions, whose fields its mapping fills in.</p>
      {actions.notice ? (
        <p class="notice" role="status">
          {actions.notice}
        </p>
      ) : null}
      <ErrorNote message={actions.error} />
      {subscriptions.length === 0 ? (
        <EmptyState title="No mappings: this destination sends nothing">
          <p>Add one below: choose an action, the events it takes, and what it sends.</p>
        </EmptyState>
      ) : (
        <ol class="mappings">
          {subscriptions.map((subscription, index) => (
            <MappingItem
              subscription={subscription}
              index={index}
              action={titleOf(subscription.partnerAction)}
              version={version}
              csrfToken={csrfToken}
              path={path}
            />
          ))}
        </ol>
      )}
      <Editor entry={entry} editor={actions.editor} version={version} csrfToken={csrfToken} path={path} />
    </section>
  );
};

const MappingItem: FC<{ subscription: Subscription; index: number; action: string; version: string; csrfToken: string; path: string }> = ({
  subscription,
  index,
  action,
  version,
  csrfToken,
  path,
}) => {
  const name = subscription.name ?? subscription.partnerAction;
  const listed = { csrf: <CsrfField token={csrfToken} />, index: <input type="hidden" name="index" value={String(index)} /> };
  return (
    <li>
      <p>
        <b>{name}</b> <span class={`pill ${subscription.enabled ? "pill-ok" : "pill-off"}`}>{subscription.enabled ? "Enabled" : "Disabled"}</span>
      </p>
      <p class="muted">
        {action} · if <code>{subscription.subscribe}</code>
      </p>
      <div class="mapping-buttons">
        <a href={`${path}?mapping=${index}#mapping-editor`} aria-label={`Edit ${name}`}>
          Edit
        </a>
        <form method="post" action={`${path}/mappings/enabled#mappings`} class="inline">
          {listed.csrf}
          {listed.index}
          <input type="hidden" name="version" value={version} />
          <input type="hidden" name="enabled" value={subscription.enabled ? "false" : "true"} />
          <button type="submit" class="secondary small" aria-label={`${subscription.enabled ? "Disable" : "Enable"} ${name}`}>
            {subscription.enabled ? "Disable" : "Enable"}
          </button>
        </form>
        <form method="post" action={`${path}/mappings/delete#mappings`} class="inline">
          {listed.csrf}
          {listed.index}
          <input type="hidden" name="version" value={version} />
          <button type="submit" class="secondary small" aria-label={`Delete ${name}`}>
            Delete
          </button>
        </form>
      </div>
    </li>
  );
};

/** `aria-invalid` and `aria-describedby` of an editor field: its hint, and its error when it has one. */
const described = (editor: MappingEditor, field: MappingField, hint?: string) => ({
  "aria-invalid": editor.errors[field] ? "true" : undefined,
  "aria-describedby": [hint, editor.errors[field] ? `mapping-${field}-error` : undefined].filter(Boolean).join(" ") || undefined,
});

const Editor: FC<{ entry: CatalogEntry; editor: MappingEditor; version: string; csrfToken: string; path: string }> = ({
  entry,
  editor,
  version,
  csrfToken,
  path,
}) => {
  const { values, errors, index } = editor;
  const templates = mappingTemplates(entry);
  return (
    <div id="mapping-editor" class="mapping-editor">
      <h3>{index === null ? "Add a mapping" : `Change the mapping ${values.name || values.partnerAction}`}</h3>
      {index === null ? (
        <form method="get" action={`${path}#mapping-editor`} class="start-from">
          <input type="hidden" name="mapping" value="new" />
          <label for="mapping-from">Start from</label>
          <div>
            <select id="mapping-from" name="from" aria-describedby="mapping-from-hint">
              <optgroup label="An action, with its fields' defaults">
                {templates.actions.map((template) => (
                  <option value={template.value} selected={template.value === editor.from}>
                    {template.label}
                  </option>
                ))}
              </optgroup>
              {templates.presets.length > 0 ? (
                <optgroup label="A preset of the destination">
                  {templates.presets.map((template) => (
                    <option value={template.value} selected={template.value === editor.from}>
                      {template.label}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
            <button type="submit" class="secondary">
              Fill in
            </button>
          </div>
          <p class="hint" id="mapping-from-hint">
            Fills in the form below; nothing is saved until you add the mapping.
          </p>
        </form>
      ) : null}
      {errors.form ? (
        <p class="error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <form method="post" action={`${path}/mappings#mapping-editor`} class="stack">
        <CsrfField token={csrfToken} />
        {index === null ? null : <input type="hidden" name="index" value={String(index)} />}
        <input type="hidden" name="version" value={version} />
        <div class="field">
          <label for="mapping-name">Name</label>
          <input id="mapping-name" name="name" value={values.name} maxlength={200} {...described(editor, "name", "mapping-name-hint")} />
          <p class="hint" id="mapping-name-hint">
            Blank: the action's title. Each mapping has its own name.
          </p>
          <FieldError id="mapping-name-error" message={errors.name} />
        </div>
        <div class="field">
          <label for="mapping-action">Action</label>
          <select id="mapping-action" name="partnerAction" {...described(editor, "partnerAction")}>
            {entry.actions.map((action) => (
              <option value={action.key} selected={action.key === values.partnerAction}>
                {action.title}
              </option>
            ))}
          </select>
          <FieldError id="mapping-partnerAction-error" message={errors.partnerAction} />
        </div>
        <div class="field">
          <label for="mapping-subscribe">Condition</label>
          <input
            id="mapping-subscribe"
            name="subscribe"
            value={values.subscribe}
            class="mono"
            required
            spellcheck={false}
            placeholder='type = "track" and event = "Order Completed"'
            {...described(editor, "subscribe", "mapping-subscribe-hint")}
          />
          <p class="hint" id="mapping-subscribe-hint">
            Which events it sends, in Segment's FQL: <code>type = "track"</code>, <code>event = "Order Completed"</code>,{" "}
            <code>type = "identify" or type = "group"</code>…
          </p>
          <FieldError id="mapping-subscribe-error" message={errors.subscribe} />
        </div>
        <div class="field">
          <label for="mapping-mapping">Mapping</label>
          <textarea id="mapping-mapping" name="mapping" rows={12} class="mono" spellcheck={false} {...described(editor, "mapping", "mapping-mapping-hint")}>
            {values.mapping}
          </textarea>
          <p class="hint" id="mapping-mapping-hint">
            JSON: each of the action's fields (listed below) as a value, or taken from the event with a directive such as{" "}
            <code>{'{"@path": "$.properties.total"}'}</code>.
          </p>
          <FieldError id="mapping-mapping-error" message={errors.mapping} />
        </div>
        <label class="inline">
          <input type="checkbox" name="enabled" checked={values.enabled} />
          <span>Enabled: it sends the events it matches</span>
        </label>
        <div>
          <button type="submit">{index === null ? "Add mapping" : "Save mapping"}</button> {index === null ? null : <a href={`${path}#mappings`}>Cancel</a>}
        </div>
      </form>
      <h3>The actions' fields</h3>
      {entry.actions.map((action) => (
        <ActionFields action={action} open={action.key === values.partnerAction} />
      ))}
    </div>
  );
};

/** An action's fields, as its mapping names them: what each is, whether it is required, its default. */
const ActionFields: FC<{ action: CatalogAction; open: boolean }> = ({ action, open }) => (
  <details class="action-fields" open={open}>
    <summary>
      {action.title} <span class="muted">{`(${action.key})`}</span>
    </summary>
    <p class="hint">
      <MarkdownText text={action.description} />
    </p>
    <dl class="facts">
      {Object.entries(action.fields).map(([key, field]) => (
        <>
          <dt>
            <code>{key}</code>
            {field.required ? <span class="req"> required</span> : null}
          </dt>
          <dd>
            <b>{field.label}</b> <span class="muted">{`${field.type}${field.multiple ? ", a list" : ""}`}</span>
            {field.description ? (
              <>
                {" "}
                <MarkdownText text={field.description} />
              </>
            ) : null}
            {field.default === undefined ? null : (
              <>
                {" "}
                <span class="muted">Default:</span> <code>{JSON.stringify(field.default)}</code>
              </>
            )}
          </dd>
        </>
      ))}
    </dl>
  </details>
);
