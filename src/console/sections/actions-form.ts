import type { CatalogField } from "../../destinations/actions/catalog";
import { MASK, type SettingsProblem } from "../../destinations/destination-settings";
import { text, texts, type PostedForm } from "../form";

/**
 * An Actions destination's settings form, generated from its catalog field definitions: which
 * input each field gets, the form filled from stored settings or defaults, and the posted form
 * read back into settings (then checked by the destination's own fields, checkDestinationSettings,
 * as the admin API does). Pure.
 */

/** The input a field is typed into. */
export type FieldKind = "text" | "password" | "textarea" | "number" | "integer" | "checkbox" | "select" | "checkboxes" | "lines" | "json";

export function fieldKind(field: CatalogField): FieldKind {
  if (field.type === "boolean") return "checkbox";
  if (field.type === "object") return "json";
  if (field.choices && field.choices.length > 0) return field.multiple ? "checkboxes" : "select";
  if (field.multiple) return "lines";
  switch (field.type) {
    case "password":
      return "password";
    case "text":
      return "textarea";
    case "number":
      return "number";
    case "integer":
      return "integer";
    default:
      return "text";
  }
}

/** The form field a setting is posted in (a prefix, so a setting never collides with `name` or `csrf`). */
export const settingName = (key: string) => `settings.${key}`;

/**
 * The settings as typed: text per field ("on" or "" for a checkbox, one value per line for a
 * list), the ticked values for multiple choices. Secrets are "" in what is shown: a page never
 * carries one (`shownInput`).
 */
export type SettingsInput = Record<string, string | string[]>;

/** What is wrong, by setting key. */
export type SettingsErrors = Record<string, string>;

/** The fields' defaults, as settings: what a new destination's form starts from. */
export function defaultSettings(fields: Record<string, CatalogField>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).flatMap(([key, field]) => (field.default === undefined ? [] : [[key, field.default]])));
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/** The form filled from settings (a destination's, secrets masked, or `defaultSettings`). Secrets are left blank. */
export function settingsInputOf(fields: Record<string, CatalogField>, settings: Record<string, unknown>): SettingsInput {
  const input: SettingsInput = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = settings[key];
    switch (fieldKind(field)) {
      case "password":
        input[key] = "";
        break;
      case "checkbox":
        input[key] = value === true ? "on" : "";
        break;
      case "checkboxes":
        input[key] = Array.isArray(value) ? value.map(asText) : [];
        break;
      case "lines":
        input[key] = Array.isArray(value) ? value.map(asText).join("\n") : asText(value);
        break;
      case "json":
        input[key] = value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
        break;
      default:
        input[key] = asText(value);
    }
  }
  return input;
}

/** The settings fields of a posted form, as typed. */
export function settingsInputFromForm(fields: Record<string, CatalogField>, form: PostedForm): SettingsInput {
  const input: SettingsInput = {};
  for (const [key, field] of Object.entries(fields)) {
    const kind = fieldKind(field);
    input[key] =
      kind === "checkboxes" ? texts(form, settingName(key)) : kind === "checkbox" ? (text(form, settingName(key)) ? "on" : "") : text(form, settingName(key));
  }
  return input;
}

/** The secret fields with a value stored (shown as MASK): left blank, they keep it. */
export function storedSecretsOf(fields: Record<string, CatalogField>, masked: Record<string, unknown>): string[] {
  return Object.keys(fields).filter((key) => fieldKind(fields[key]!) === "password" && masked[key] === MASK);
}

/** The input as a page may show it: secrets blanked, and which of them had been typed (so the form asks for them again). */
export function shownInput(fields: Record<string, CatalogField>, input: SettingsInput): { input: SettingsInput; retype: string[] } {
  const shown = { ...input };
  const retype: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    if (fieldKind(field) !== "password") continue;
    if (shown[key]) retype.push(key);
    shown[key] = "";
  }
  return { input: shown, retype };
}

type Read = { ok: true; value?: unknown } | { ok: false; message: string };

function readScalar(field: CatalogField, raw: string): Read {
  if (field.type === "number" || field.type === "integer") {
    const number = Number(raw);
    if (!Number.isFinite(number)) return { ok: false, message: `${field.label} must be a number.` };
    if (field.type === "integer" && !Number.isInteger(number)) return { ok: false, message: `${field.label} must be a whole number.` };
    return { ok: true, value: number };
  }
  return { ok: true, value: raw };
}

function choiceOf(field: CatalogField, raw: string): Read {
  const choice = field.choices?.find((candidate) => asText(candidate.value) === raw);
  return choice
    ? { ok: true, value: choice.value }
    : { ok: false, message: `${field.label} must be one of: ${(field.choices ?? []).map((candidate) => candidate.label).join(", ")}.` };
}

function readJson(field: CatalogField, raw: string): Read {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, message: `${field.label}: not JSON (${error instanceof Error ? error.message : "unreadable"}).` };
  }
  if (field.multiple)
    return Array.isArray(value) ? { ok: true, value } : { ok: false, message: `${field.label} must be a JSON array, like [{"key": "value"}].` };
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? { ok: true, value }
    : { ok: false, message: `${field.label} must be a JSON object, like {"key": "value"}.` };
}

/** One field's value from what was typed; `value` undefined leaves the setting out. */
function readField(field: CatalogField, raw: string | string[], secretStored: boolean): Read {
  const kind = fieldKind(field);
  if (kind === "checkbox") return { ok: true, value: raw === "on" };
  const missing = (): Read => (field.required ? { ok: false, message: `${field.label} is required.` } : { ok: true });
  if (kind === "checkboxes") {
    const values: unknown[] = [];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const read = choiceOf(field, item);
      if (!read.ok) return read;
      values.push(read.value);
    }
    return values.length > 0 ? { ok: true, value: values } : missing();
  }
  const typed = Array.isArray(raw) ? (raw.at(-1) ?? "") : raw;
  // A secret is taken as typed (spaces may be part of it); blank keeps the stored one, sent as the mask.
  if (kind === "password") return typed ? { ok: true, value: typed } : secretStored ? { ok: true, value: MASK } : missing();
  const trimmed = typed.trim();
  if (!trimmed) return missing();
  if (kind === "select") return choiceOf(field, trimmed);
  if (kind === "json") return readJson(field, trimmed);
  if (kind === "lines") {
    const values: unknown[] = [];
    for (const line of trimmed.split(/\r?\n/)) {
      if (!line.trim()) continue;
      const read = readScalar(field, line.trim());
      if (!read.ok) return read;
      values.push(read.value);
    }
    return { ok: true, value: values };
  }
  return readScalar(field, trimmed);
}

/**
 * The settings from the form, or what is wrong with each field. Blank fields are left out (a
 * required one is an error), except a secret in `storedSecrets`, which keeps its stored value.
 */
export function settingsFromInput(
  fields: Record<string, CatalogField>,
  input: SettingsInput,
  storedSecrets: readonly string[] = [],
): { ok: true; settings: Record<string, unknown> } | { ok: false; errors: SettingsErrors } {
  const settings: Record<string, unknown> = {};
  const errors: SettingsErrors = {};
  for (const [key, field] of Object.entries(fields)) {
    const read = readField(field, input[key] ?? "", storedSecrets.includes(key));
    if (!read.ok) errors[key] = read.message;
    else if (read.value !== undefined) settings[key] = read.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, settings };
}

/** A problem's message without the field path the admin API puts first (`settings.apiKey: …`). */
export function problemText(problem: SettingsProblem): string {
  const prefix = `${problem.field}: `;
  return problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message;
}

/**
 * Which setting a problem from the destination's own check is about: the one its path names, else
 * the one its message names by key (`'apiKey'`) or label ("Endpoint Region must be one of…"),
 * the longest label first; null when it names none.
 */
export function settingOfProblem(fields: Record<string, CatalogField>, problem: SettingsProblem): string | null {
  const named = problem.field.startsWith("settings.") ? problem.field.slice("settings.".length).split(".")[0] : undefined;
  // A path names the setting, or something else (`subscriptions.0.subscribe`); only a problem without one is looked for in its text.
  if (named) return Object.hasOwn(fields, named) ? named : null;
  const message = problemText(problem);
  const byKey = Object.keys(fields).find((key) => message.includes(`'${key}'`) || message.includes(`"${key}"`));
  if (byKey) return byKey;
  const byLabel = Object.entries(fields)
    .filter(([, field]) => field.label && message.includes(field.label))
    .sort(([, a], [, b]) => b.label.length - a.label.length)[0];
  return byLabel?.[0] ?? null;
}
