import type { CatalogEntry } from "../../destinations/actions/catalog";
import type { Subscription } from "../../destinations/actions/subscriptions";
import { text, texts, type PostedForm } from "../form";
import { defaultSettings, settingsFromInput, settingsInputFromForm, settingsInputOf, type SettingsInput } from "./actions-form";
import { commonFieldsOf } from "./destination-form";

/**
 * The setup form of a catalog destination (`/console/catalog/:slug`): a name, the settings
 * generated from its fields, sources, consent categories, and which of its automatic presets
 * become its first mappings. Pure; the route checks the result with the admin API's own code.
 */

export interface SetupFormValues {
  name: string;
  settings: SettingsInput;
  sourceIds: string[];
  /** Comma-separated. */
  consentCategories: string;
  /** Indexes into the entry's presets of the automatic presets chosen. */
  presets: string[];
}

/** What is wrong, by field: `name`, `sourceIds`, `consentCategories`, `settings.<key>`, or `form` for the rest. */
export type SetupErrors = Record<string, string>;

/** The automatic presets (a new destination's default mappings), with their index among all presets. */
export const automaticPresets = (entry: CatalogEntry) =>
  entry.presets.flatMap((preset, index) => (preset.type === "automatic" && preset.subscribe ? [{ preset, index: String(index) }] : []));

/** The form as first shown: the destination's name, its settings' defaults, every automatic preset chosen. */
export function emptySetupForm(entry: CatalogEntry): SetupFormValues {
  return {
    name: entry.name,
    settings: settingsInputOf(entry.settings, defaultSettings(entry.settings)),
    sourceIds: [],
    consentCategories: "",
    presets: automaticPresets(entry).map(({ index }) => index),
  };
}

export function setupFormOf(entry: CatalogEntry, form: PostedForm): SetupFormValues {
  return {
    name: text(form, "name"),
    settings: settingsInputFromForm(entry.settings, form),
    sourceIds: texts(form, "sourceIds"),
    consentCategories: text(form, "consentCategories"),
    presets: texts(form, "presets"),
  };
}

export interface SetupBody {
  name: string;
  type: string;
  sourceIds: string[];
  consentCategories: string[];
  /** The destination's settings with `subscriptions`, as checkDestinationSettings takes them. */
  settings: Record<string, unknown>;
}

/** `POST /api/v1/destinations`'s body from the form, or every field to fix that can be told before the destination's own check. */
export function setupBodyOf(entry: CatalogEntry, values: SetupFormValues): { ok: true; body: SetupBody } | { ok: false; errors: SetupErrors } {
  const errors: SetupErrors = {};
  const common = commonFieldsOf(values);
  if (!common.ok) errors[common.field] = common.message;
  const settings = settingsFromInput(entry.settings, values.settings);
  if (!settings.ok) for (const [key, message] of Object.entries(settings.errors)) errors[`settings.${key}`] = message;
  if (!common.ok || !settings.ok) return { ok: false, errors };
  const subscriptions: Subscription[] = automaticPresets(entry)
    .filter(({ index }) => values.presets.includes(index))
    .map(({ preset }) => ({ name: preset.name, subscribe: preset.subscribe!, partnerAction: preset.partnerAction, mapping: preset.mapping, enabled: true }));
  return {
    ok: true,
    body: {
      name: common.name,
      type: entry.type,
      sourceIds: common.sourceIds,
      consentCategories: common.consentCategories,
      settings: { ...settings.settings, subscriptions },
    },
  };
}
