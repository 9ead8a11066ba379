import { z } from "zod";
import { DESTINATION_LIMITS, type DestinationChanges } from "../../destinations/change-destination";
import { MASK } from "../../destinations/destination-settings";
import type { Destination } from "../../destinations/destination-store";
import { filterActionSchema, type FilterAction } from "../../filters/actions";
import { fqlCondition } from "../../filters/fql-condition";
import { text, texts, type PostedForm } from "../form";

/** The create-destination form as typed, kept when it is shown again with an error. */
export interface DestinationFormValues {
  name: string;
  type: string;
  url: string;
  sharedSecret: string;
  /** One `Name: value` per line. */
  headers: string;
  batch: boolean;
  endpoint: string;
  writeKey: string;
  sourceIds: string[];
  /** Comma-separated. */
  consentCategories: string;
}

export const EMPTY_DESTINATION_FORM: DestinationFormValues = {
  name: "",
  type: "webhook",
  url: "",
  sharedSecret: "",
  headers: "",
  batch: false,
  endpoint: "",
  writeKey: "",
  sourceIds: [],
  consentCategories: "",
};

export function destinationFormOf(form: PostedForm): DestinationFormValues {
  return {
    name: text(form, "name"),
    type: text(form, "type"),
    url: text(form, "url").trim(),
    sharedSecret: text(form, "sharedSecret"),
    headers: text(form, "headers"),
    batch: text(form, "batch") === "on",
    endpoint: text(form, "endpoint").trim(),
    writeKey: text(form, "writeKey"),
    sourceIds: texts(form, "sourceIds"),
    consentCategories: text(form, "consentCategories"),
  };
}

/** The admin API's create body from the form, or what to fix in it (before the type's own schema checks the settings). */
export function destinationBodyOf(
  values: DestinationFormValues,
):
  | { ok: true; body: { name: string; type: string; sourceIds: string[]; consentCategories: string[]; settings: Record<string, unknown> } }
  | { ok: false; message: string } {
  const name = values.name.trim();
  if (!name) return { ok: false, message: "Give the destination a name." };
  const settings = settingsOf(values.type, values, "omit");
  if (!settings.ok) return settings;
  return {
    ok: true,
    body: {
      name,
      type: values.type,
      sourceIds: [...new Set(values.sourceIds)],
      consentCategories: categoriesOf(values.consentCategories),
      settings: settings.settings,
    },
  };
}

/** Comma-separated consent categories as a list. */
export const categoriesOf = (text: string): string[] =>
  text
    .split(",")
    .map((category) => category.trim())
    .filter(Boolean);

/** `Name: value` lines as headers, or the first line without a name. */
function headersOf(text: string): { ok: true; headers: Record<string, string> } | { ok: false; message: string } {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { ok: false, message: `settings.headers: write each header as "Name: value" on its own line ("${line.trim()}" has no name).` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { ok: true, headers };
}

/**
 * The type's settings from the form's fields. A secret left blank is left out when creating
 * (`omit`), and kept when editing (`keep`: sent as MASK, which the settings check replaces with
 * the stored value, as the admin API's PATCH does).
 */
function settingsOf(
  type: string,
  values: Omit<DestinationFormValues, "type" | "name" | "sourceIds" | "consentCategories">,
  blankSecret: "omit" | "keep",
): { ok: true; settings: Record<string, unknown> } | { ok: false; message: string } {
  const secret = (typed: string) => (typed ? typed : blankSecret === "keep" ? MASK : undefined);
  if (type === "webhook") {
    const headers = headersOf(values.headers);
    if (!headers.ok) return headers;
    const sharedSecret = secret(values.sharedSecret);
    return {
      ok: true,
      settings: {
        url: values.url,
        batch: values.batch,
        ...(sharedSecret === undefined ? {} : { sharedSecret }),
        ...(Object.keys(headers.headers).length > 0 ? { headers: headers.headers } : {}),
      },
    };
  }
  const writeKey = secret(values.writeKey) ?? "";
  return { ok: true, settings: { writeKey, ...(values.endpoint ? { endpoint: values.endpoint } : {}) } };
}

/** The edit form as typed: the create form's fields but the type, with enabled and the secret's removal. Secrets are never prefilled. */
export interface DestinationEditValues extends Omit<DestinationFormValues, "type"> {
  enabled: boolean;
  /** Remove the stored shared secret (a webhook's is optional; a Segment write key is not). */
  removeSharedSecret: boolean;
}

/** The edit form's fields an error is shown next to. */
export type EditField = "name" | "url" | "sharedSecret" | "headers" | "batch" | "endpoint" | "writeKey" | "sourceIds" | "consentCategories";

export interface EditProblem {
  field: EditField;
  message: string;
}

/** The edit form filled from a destination as shown (secrets masked): blank secret fields keep what is stored. */
export function editValuesOf(destination: Destination): DestinationEditValues {
  const { settings } = destination;
  const textSetting = (name: string) => (typeof settings[name] === "string" ? settings[name] : "");
  const headers = typeof settings.headers === "object" && settings.headers !== null ? (settings.headers as Record<string, unknown>) : {};
  return {
    name: destination.name,
    enabled: destination.enabled,
    url: textSetting("url"),
    sharedSecret: "",
    removeSharedSecret: false,
    headers: Object.entries(headers)
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join("\n"),
    batch: settings.batch === true,
    endpoint: textSetting("endpoint"),
    writeKey: "",
    sourceIds: [...destination.sourceIds],
    consentCategories: destination.consentCategories.join(", "),
  };
}

export function destinationEditFormOf(form: PostedForm): DestinationEditValues {
  const { type: _type, ...values } = destinationFormOf(form);
  return { ...values, enabled: text(form, "enabled") === "on", removeSharedSecret: text(form, "removeSharedSecret") === "on" };
}

/** Which field of the edit form an admin API field name (`settings.headers.X-A`, `sourceIds`) belongs to. */
export function editFieldOf(field: string): EditField {
  const name = field.replace(/^settings\./, "").split(".")[0] ?? "";
  const fields: readonly EditField[] = ["name", "url", "sharedSecret", "headers", "batch", "endpoint", "writeKey", "sourceIds", "consentCategories"];
  return (fields as readonly string[]).includes(name) ? (name as EditField) : "name";
}

/** A destination's name, sources and consent categories as the admin API's schemas bound them, or the field to fix. */
export function commonFieldsOf(values: {
  name: string;
  sourceIds: readonly string[];
  consentCategories: string;
}): { ok: true; name: string; sourceIds: string[]; consentCategories: string[] } | ({ ok: false } & EditProblem) {
  const name = values.name.trim();
  if (!name) return { ok: false, field: "name", message: "Give the destination a name." };
  if (name.length > DESTINATION_LIMITS.name) return { ok: false, field: "name", message: `The name is at most ${DESTINATION_LIMITS.name} characters.` };
  const consentCategories = categoriesOf(values.consentCategories);
  const long = consentCategories.find((category) => category.length > DESTINATION_LIMITS.consentCategory);
  if (consentCategories.length > DESTINATION_LIMITS.consentCategories || long) {
    return {
      ok: false,
      field: "consentCategories",
      message: `At most ${DESTINATION_LIMITS.consentCategories} consent categories of at most ${DESTINATION_LIMITS.consentCategory} characters each, separated by commas.`,
    };
  }
  const sourceIds = [...new Set(values.sourceIds)];
  if (sourceIds.length > DESTINATION_LIMITS.sources)
    return { ok: false, field: "sourceIds", message: `Connect at most ${DESTINATION_LIMITS.sources} sources.` };
  return { ok: true, name, sourceIds, consentCategories };
}

/**
 * The admin API's PATCH body from the edit form (every field it shows, so what was unticked is
 * saved as such), or the field to fix. The type's schema checks the settings after this
 * (changeDestination), with secrets left blank kept.
 */
export function destinationChangesOf(type: string, values: DestinationEditValues): { ok: true; changes: DestinationChanges } | ({ ok: false } & EditProblem) {
  const common = commonFieldsOf(values);
  if (!common.ok && common.field === "name") return common;
  if (values.removeSharedSecret && values.sharedSecret) {
    return { ok: false, field: "sharedSecret", message: "Either type a new shared secret or remove the stored one, not both." };
  }
  // Only the header lines can be wrong here: the rest is the type's schema's to check.
  const settings = settingsOf(type, values, values.removeSharedSecret ? "omit" : "keep");
  if (!settings.ok) return { ok: false, field: "headers", message: settings.message };
  if (!common.ok) return common;
  const { name, sourceIds, consentCategories } = common;
  return { ok: true, changes: { name, enabled: values.enabled, sourceIds, settings: settings.settings, consentCategories } };
}

/** A filter (or a preview) as typed: its condition and one action, kept when shown again. */
export interface FilterFormValues {
  title: string;
  if: string;
  /** "" (none: preview only), DROP, DROP_PROPERTIES, ALLOW_PROPERTIES or SAMPLE. */
  action: string;
  /** Comma-separated paths for DROP_/ALLOW_PROPERTIES: `properties.email, context.ip, userId`. */
  fields: string;
  /** SAMPLE's fraction, 0 to 1. */
  percent: string;
}

export const EMPTY_FILTER_FORM: FilterFormValues = { title: "", if: "", action: "DROP", fields: "", percent: "" };

export function filterFormOf(form: PostedForm): FilterFormValues {
  return { title: text(form, "title"), if: text(form, "if"), action: text(form, "action"), fields: text(form, "fields"), percent: text(form, "percent") };
}

/** `properties.email, userId` → `{"properties": ["email"], "": ["userId"]}`: the parent path, then the name. */
function fieldsOf(paths: string): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const path of paths
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const dot = path.lastIndexOf(".");
    const parent = dot < 0 ? "" : path.slice(0, dot);
    (fields[parent] ??= []).push(path.slice(dot + 1));
  }
  return fields;
}

/** The filter's `if` and actions, checked by the admin API's own schemas (fql-condition.ts, actions.ts). */
export function filterOf(values: FilterFormValues): { ok: true; if: string; actions: FilterAction[] } | { ok: false; message: string } {
  const condition = fqlCondition.safeParse(values.if);
  if (!condition.success)
    return {
      ok: false,
      message: `Condition: ${condition.error.issues[0]?.message ?? "not FQL"}. Write FQL such as type = "track" and event = "Order Completed", or all.`,
    };
  if (!values.action) return { ok: true, if: condition.data, actions: [] };
  const raw =
    values.action === "SAMPLE"
      ? { type: "SAMPLE", percent: values.percent.trim() === "" ? Number.NaN : Number(values.percent) }
      : values.action === "DROP"
        ? { type: "DROP" }
        : { type: values.action, fields: fieldsOf(values.fields) };
  const action = filterActionSchema.safeParse(raw);
  if (!action.success) {
    const issue = action.error.issues[0];
    return { ok: false, message: `Action: ${issue?.path.length ? `${issue.path.join(".")} ` : ""}${issue?.message ?? "invalid"}.` };
  }
  if ("fields" in action.data && Object.keys(action.data.fields).length === 0)
    return { ok: false, message: "Action: name the fields it applies to, e.g. properties.email, context.ip." };
  return { ok: true, if: condition.data, actions: [action.data] };
}

const eventObject = z.record(z.string(), z.unknown());

/** The preview's event textarea: a JSON object, or what to fix. */
export function eventOf(json: string): { ok: true; event: Record<string, unknown> } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return {
      ok: false,
      message: `Event: not JSON (${error instanceof Error ? error.message : "unreadable"}). Paste an event object, like {"type":"track","event":"Order Completed"}.`,
    };
  }
  const parsed = eventObject.safeParse(value);
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, message: 'Event: must be a JSON object, like {"type":"track","event":"Order Completed"}.' };
}

/** The dead letters a re-drive form names (one letter's button), or undefined for all of them. */
export function redriveIdsOf(form: PostedForm): string[] | undefined {
  const ids = texts(form, "id").filter(Boolean);
  return ids.length > 0 ? ids : undefined;
}

/** What a re-drive did, in words. */
export function redriveNotice(result: { redriven: { deadLetters: number; events: number }; remaining: boolean }, named: readonly string[] | undefined): string {
  const { deadLetters, events } = result.redriven;
  if (named && deadLetters === 0) return "Nothing to re-drive: that dead letter is gone (re-driven meanwhile). The list below is current.";
  if (named && deadLetters === 1) return `Re-drove the dead letter: ${events} event(s) queued again as first attempts.`;
  return `Re-drove ${deadLetters} dead letter(s), ${events} event(s).${result.remaining ? " More remain: re-drive again." : ""}`;
}
