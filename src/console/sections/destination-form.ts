import { z } from "zod";
import { filterActionSchema, type FilterAction } from "../../filters/actions";
import { fqlCondition } from "../../filters/fql-condition";

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

/** A POSTed form as Hono's `parseBody({ all: true })` gives it. */
export type PostedForm = Record<string, string | File | (string | File)[]>;

const text = (form: PostedForm, name: string): string => {
  const value = form[name];
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === "string" ? last : "";
};
const texts = (form: PostedForm, name: string): string[] => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === "string");
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
  const consentCategories = values.consentCategories
    .split(",")
    .map((category) => category.trim())
    .filter(Boolean);
  let settings: Record<string, unknown>;
  if (values.type === "webhook") {
    const headers: Record<string, string> = {};
    for (const line of values.headers.split(/\r?\n/)) {
      if (!line.trim()) continue;
      const colon = line.indexOf(":");
      if (colon <= 0) return { ok: false, message: `settings.headers: write each header as "Name: value" on its own line ("${line.trim()}" has no name).` };
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    settings = {
      url: values.url,
      batch: values.batch,
      ...(values.sharedSecret ? { sharedSecret: values.sharedSecret } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
  } else {
    settings = { writeKey: values.writeKey, ...(values.endpoint ? { endpoint: values.endpoint } : {}) };
  }
  return { ok: true, body: { name, type: values.type, sourceIds: [...new Set(values.sourceIds)], consentCategories, settings } };
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
