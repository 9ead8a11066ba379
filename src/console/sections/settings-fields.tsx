import type { FC } from "hono/jsx";
import type { CatalogField } from "../../destinations/actions/catalog";
import { MarkdownText } from "../markdown-text";
import { FieldError } from "../ui";
import { fieldKind, settingName, type SettingsErrors, type SettingsInput } from "./actions-form";

/** What the generated settings fields show: the fields, what is typed, errors, and which secrets are stored or to type again. */
export interface SettingsFieldsState {
  fields: Record<string, CatalogField>;
  /** Secrets always blank (actions-form.ts `shownInput`). */
  input: SettingsInput;
  errors: SettingsErrors;
  /** Secrets with a value stored: blank keeps it. */
  storedSecrets: readonly string[];
  /** Secrets typed into a form that came back with an error: never sent back, so asked for again. */
  retype: readonly string[];
  /** A problem the destination's check found that names no field. */
  formError?: string | undefined;
}

/** An element id from a setting key (keys are identifiers, but an id must not hold spaces). */
const idOf = (prefix: string, key: string) => `${prefix}-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`;

/**
 * An Actions destination's settings as form fields, generated from their catalog definitions:
 * the label (with a required marker), the description as help text, the input for the field's
 * type, and the field's error beside it. `prefix` keeps ids unique on a page.
 */
export const SettingsFields: FC<{ state: SettingsFieldsState; prefix: string }> = ({ state, prefix }) => {
  const keys = Object.keys(state.fields);
  if (keys.length === 0) return <p class="hint">No settings: what it sends is set in its mappings.</p>;
  return (
    <>
      {Object.values(state.fields).some((field) => field.required) ? (
        <p class="hint">
          Fields marked <span class="req">*</span> are required.
        </p>
      ) : null}
      {keys.map((key) => (
        <SettingField settingKey={key} field={state.fields[key]!} state={state} id={idOf(prefix, key)} />
      ))}
    </>
  );
};

const SettingField: FC<{ settingKey: string; field: CatalogField; state: SettingsFieldsState; id: string }> = ({ settingKey: key, field, state, id }) => {
  const kind = fieldKind(field);
  const value = state.input[key] ?? "";
  const error = state.errors[key];
  const stored = state.storedSecrets.includes(key);
  const notes = [
    stored ? "One is stored: leave blank to keep it, or type a new one." : "",
    state.retype.includes(key) ? "Type it again: a secret is never sent back to the page." : "",
    kind === "lines" ? "One per line." : "",
    kind === "json" ? (field.multiple ? "A JSON array." : "A JSON object.") : "",
    field.requiredWhen ? "Required with some of the other settings." : "",
  ].filter(Boolean);
  const hintId = field.description || notes.length > 0 ? `${id}-hint` : undefined;
  const aria = {
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": [hintId, error ? `${id}-error` : undefined].filter(Boolean).join(" ") || undefined,
  };
  const required = field.required && !stored && kind !== "checkbox" && kind !== "checkboxes";
  const label = (
    <>
      {field.label}
      {field.required ? (
        <span class="req" aria-hidden="true">
          {" *"}
        </span>
      ) : null}
    </>
  );
  const hint = hintId ? (
    <p class="hint" id={hintId}>
      {field.description ? <MarkdownText text={field.description} /> : null}
      {notes.length > 0 ? `${field.description ? " " : ""}${notes.join(" ")}` : null}
    </p>
  ) : null;
  const name = settingName(key);

  if (kind === "checkbox") {
    return (
      <div class="field">
        <label class="inline">
          <input type="checkbox" name={name} id={id} checked={value === "on"} {...aria} />
          <span>{label}</span>
        </label>
        {hint}
        <FieldError id={`${id}-error`} message={error} />
      </div>
    );
  }
  if (kind === "checkboxes") {
    const ticked = Array.isArray(value) ? value : [value];
    return (
      <fieldset class="field choices" aria-describedby={aria["aria-describedby"]}>
        <legend>{label}</legend>
        {(field.choices ?? []).map((choice, index) => (
          <label class="inline">
            <input type="checkbox" name={name} id={`${id}-${index}`} value={String(choice.value)} checked={ticked.includes(String(choice.value))} />
            <span>{choice.label}</span>
          </label>
        ))}
        {hint}
        <FieldError id={`${id}-error`} message={error} />
      </fieldset>
    );
  }
  const typed = Array.isArray(value) ? value.join("\n") : value;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <FieldInput kind={kind} field={field} id={id} name={name} value={typed} required={required} aria={aria} />
      {hint}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
};

const FieldInput: FC<{
  kind: ReturnType<typeof fieldKind>;
  field: CatalogField;
  id: string;
  name: string;
  value: string;
  required: boolean;
  aria: Record<string, string | undefined>;
}> = ({ kind, field, id, name, value, required, aria }) => {
  const common = { id, name, required, ...aria };
  switch (kind) {
    case "password":
      return <input type="password" value="" autocomplete="off" {...common} />;
    case "select":
      return (
        <select {...common}>
          {field.required && value !== "" ? null : (
            <option value="" selected={value === ""}>
              {field.required ? "Choose one" : "None"}
            </option>
          )}
          {(field.choices ?? []).map((choice) => (
            <option value={String(choice.value)} selected={String(choice.value) === value}>
              {choice.label}
            </option>
          ))}
        </select>
      );
    case "number":
    case "integer":
      return <input type="number" step={kind === "integer" ? "1" : "any"} value={value} {...common} />;
    case "textarea":
    case "lines":
      return (
        <textarea rows={kind === "lines" ? 3 : 4} {...common}>
          {value}
        </textarea>
      );
    case "json":
      return (
        <textarea rows={5} class="mono" spellcheck={false} {...common}>
          {value}
        </textarea>
      );
    default:
      return (
        <input
          type={field.format === "uri" ? "url" : field.format === "email" ? "email" : "text"}
          value={value}
          placeholder={field.placeholder}
          spellcheck={false}
          {...common}
        />
      );
  }
};
