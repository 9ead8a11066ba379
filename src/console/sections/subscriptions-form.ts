import type { CatalogAction, CatalogEntry } from "../../destinations/actions/catalog";
import { MAX_SUBSCRIPTIONS, subscriptionsSchema, type Subscription } from "../../destinations/actions/subscriptions";
import type { SettingsProblem } from "../../destinations/destination-settings";
import { parseFql } from "../../filters/fql";
import { fnv1a } from "../../sharding/fnv";
import { text, type PostedForm } from "../form";
import { problemText } from "./actions-form";

/**
 * An Actions destination's mappings (Segment's subscriptions) as the console edits them: one
 * mapping's form, where a new one starts from (an action's field defaults or a preset), and the
 * whole list as it will be saved (changeDestination then checks it as the admin API's PATCH does:
 * the action exists, the condition parses in Segment's FQL parser). Pure.
 */

/** One mapping as typed: the mapping as JSON text. */
export interface MappingFormValues {
  name: string;
  partnerAction: string;
  subscribe: string;
  mapping: string;
  enabled: boolean;
}

export type MappingField = "name" | "partnerAction" | "subscribe" | "mapping";

/** What is wrong, by field, or with the list as a whole (`form`). */
export type MappingErrors = Partial<Record<MappingField | "form", string>>;

/** The editor: which mapping it changes (null: a new one), what it shows, and what is wrong. */
export interface MappingEditor {
  index: number | null;
  values: MappingFormValues;
  errors: MappingErrors;
  /** The template a new mapping was filled from (`?from=`), selected again in its chooser. */
  from?: string | undefined;
}

/** The stored settings' subscriptions (stored settings were checked when saved; anything else reads as none). */
export function subscriptionsOf(settings: Record<string, unknown>): Subscription[] {
  const parsed = subscriptionsSchema.safeParse(settings.subscriptions ?? []);
  return parsed.success ? parsed.data : [];
}

/** A short digest of the list a form was made from, so a change made meanwhile (another tab, the API) is noticed, not overwritten. */
export const subscriptionsVersion = (subscriptions: readonly Subscription[]) => fnv1a(JSON.stringify(subscriptions)).toString(36);

const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const FALLBACK_CONDITION = 'type = "track"';

/** An action's mapping as its fields' defaults make it (mostly `@path` directives into the event). */
export function actionDefaults(action: CatalogAction): Record<string, unknown> {
  return Object.fromEntries(Object.entries(action.fields).flatMap(([key, field]) => (field.default === undefined ? [] : [[key, field.default]])));
}

/** Where a new mapping can start: each action (its defaults) and each preset (its mapping), as `action:<key>` / `preset:<index>`. */
export function mappingTemplates(entry: CatalogEntry): { actions: { value: string; label: string }[]; presets: { value: string; label: string }[] } {
  return {
    actions: entry.actions.map((action) => ({ value: `action:${action.key}`, label: action.title })),
    presets: entry.presets.map((preset, index) => ({ value: `preset:${index}`, label: preset.name })),
  };
}

/** A new mapping from a template (`mappingTemplates`); the first action when it names none there is. */
export function templateValues(entry: CatalogEntry, from: string): MappingFormValues {
  const preset = from.startsWith("preset:") ? entry.presets[Number(from.slice("preset:".length))] : undefined;
  const key = preset?.partnerAction ?? (from.startsWith("action:") ? from.slice("action:".length) : "");
  const action = entry.actions.find((candidate) => candidate.key === key) ?? entry.actions[0];
  if (!action) return { name: "", partnerAction: "", subscribe: FALLBACK_CONDITION, mapping: "{}", enabled: true };
  return {
    name: preset?.name ?? action.title,
    partnerAction: action.key,
    subscribe: preset?.subscribe ?? action.defaultSubscription ?? FALLBACK_CONDITION,
    mapping: pretty(preset ? preset.mapping : actionDefaults(action)),
    enabled: true,
  };
}

/** The editor filled from a stored mapping. */
export const mappingValuesOf = (subscription: Subscription): MappingFormValues => ({
  name: subscription.name ?? "",
  partnerAction: subscription.partnerAction,
  subscribe: subscription.subscribe,
  mapping: pretty(subscription.mapping),
  enabled: subscription.enabled,
});

/** `?mapping=` or a form's `index`: a mapping's position, or null for a new one (anything but a whole number). */
export function mappingIndexOf(value: string | undefined): number | null {
  const index = Number(value);
  return value && /^\d+$/.test(value) && Number.isSafeInteger(index) ? index : null;
}

/** The editor's form as posted: which mapping, the version of the list it was made from, the values. */
export function mappingFormOf(form: PostedForm): { index: number | null; version: string; values: MappingFormValues } {
  return {
    index: mappingIndexOf(text(form, "index")),
    version: text(form, "version"),
    values: {
      name: text(form, "name"),
      partnerAction: text(form, "partnerAction"),
      subscribe: text(form, "subscribe"),
      mapping: text(form, "mapping"),
      enabled: text(form, "enabled") === "on",
    },
  };
}

function mappingObjectOf(json: string): { ok: true; mapping: Record<string, unknown> } | { ok: false; message: string } {
  if (!json.trim()) return { ok: true, mapping: {} };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, message: `Not JSON (${error instanceof Error ? error.message : "unreadable"}): write an object of the action's fields.` };
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? { ok: true, mapping: value as Record<string, unknown> }
    : { ok: false, message: 'The mapping must be a JSON object of the action\'s fields, like {"url": "https://…", "data": {"@path": "$.properties"}}.' };
}

/**
 * The list with the mapping saved (added at the end when `index` is null), or what to fix. A blank
 * name takes the action's title; names are unique, as the preview and delivery labels tell them apart by name.
 */
export function savedSubscriptions(
  entry: CatalogEntry,
  current: readonly Subscription[],
  index: number | null,
  values: MappingFormValues,
): { ok: true; subscriptions: Subscription[] } | { ok: false; errors: MappingErrors } {
  if (index !== null && index >= current.length)
    return { ok: false, errors: { form: "That mapping no longer exists: it was deleted meanwhile. Reload the page." } };
  if (index === null && current.length >= MAX_SUBSCRIPTIONS) {
    return { ok: false, errors: { form: `A destination has at most ${MAX_SUBSCRIPTIONS} mappings: delete one first.` } };
  }
  const errors: MappingErrors = {};
  const action = entry.actions.find((candidate) => candidate.key === values.partnerAction);
  if (!action) errors.partnerAction = "Choose one of the destination's actions.";
  const subscribe = values.subscribe.trim();
  if (!subscribe) errors.subscribe = 'Write a condition, such as type = "track" and event = "Order Completed".';
  const mapping = mappingObjectOf(values.mapping);
  if (!mapping.ok) errors.mapping = mapping.message;
  const name = values.name.trim() || action?.title || values.partnerAction;
  if (name.length > 200) errors.name = "The name is at most 200 characters.";
  else if (current.some((other, position) => position !== index && (other.name ?? other.partnerAction) === name)) {
    errors.name = `Another mapping is called ${name}: give this one its own name.`;
  }
  if (!action || !mapping.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const saved: Subscription = { name, subscribe, partnerAction: action.key, mapping: mapping.mapping, enabled: values.enabled };
  return {
    ok: true,
    subscriptions: index === null ? [...current, saved] : current.map((subscription, position) => (position === index ? saved : subscription)),
  };
}

/** The list without one mapping. */
export const withoutSubscription = (current: readonly Subscription[], index: number) => current.filter((_, position) => position !== index);

/** The list with one mapping enabled or disabled. */
export const withSubscriptionEnabled = (current: readonly Subscription[], index: number, enabled: boolean) =>
  current.map((subscription, position) => (position === index ? { ...subscription, enabled } : subscription));

const FIELD_OF: Record<string, MappingField> = { name: "name", partnerAction: "partnerAction", subscribe: "subscribe", mapping: "mapping" };

const FQL_EXAMPLE = 'Write FQL such as type = "track" and event = "Order Completed".';

/**
 * A problem the admin API's check found with the saved list, next to the editor's field when it
 * is about the mapping edited (`subscribe`: the condition it refused).
 */
export function mappingErrorsOf(problem: SettingsProblem, index: number, subscribe = ""): MappingErrors {
  const [settings, subscriptions, position, name] = problem.field.split(".");
  const field = name === undefined ? undefined : FIELD_OF[name];
  if (settings !== "settings" || subscriptions !== "subscriptions" || Number(position) !== index || !field) return { form: problem.message };
  if (field === "subscribe") {
    // Segment's parser decides, but says little ("Cannot read properties of undefined"); Sluice's
    // parser of the same language says where the condition goes wrong, when it finds it wrong too.
    const ours = parseFql(subscribe);
    if (!ours.ok) return { subscribe: `Not a valid condition: ${ours.error}. ${FQL_EXAMPLE}` };
  }
  const message = problemText(problem).replace(/\.?$/, ".");
  const sentence = `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  return { [field]: field === "subscribe" ? `${sentence} ${FQL_EXAMPLE}` : sentence };
}
