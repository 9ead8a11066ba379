import { destinations, type DestinationDefinition, type FieldDefinition, type Preset } from "./framework/segment-actions.bundle.cjs";

/** A destination type name for Segment's Actions destination `slug`: `actions:amplitude`. */
export const ACTIONS_PREFIX = "actions:";

export const actionsTypeName = (slug: string) => `${ACTIONS_PREFIX}${slug}`;

/** The slug of an `actions:<slug>` type name this Worker can run, or null. */
export function actionsSlugOf(type: string): string | null {
  if (!type.startsWith(ACTIONS_PREFIX)) return null;
  const slug = type.slice(ACTIONS_PREFIX.length);
  return Object.hasOwn(destinations, slug) ? slug : null;
}

/** Every Actions destination bundled into this Worker (scripts/build-actions.mjs chose them). */
export const ACTIONS_SLUGS: readonly string[] = Object.keys(destinations).sort();

const definitions = new Map<string, DestinationDefinition>();

/** The destination's definition, evaluated on first use (each is its own lazily loaded module). */
export function actionsDefinition(slug: string): DestinationDefinition {
  let definition = definitions.get(slug);
  if (!definition) {
    const load = destinations[slug];
    if (!load) throw new Error(`no Actions destination ${slug} in this build`);
    definition = load();
    definitions.set(slug, definition);
  }
  return definition;
}

/** A field as the catalog shows it: its definition without the functions (dynamic choices). */
export interface CatalogField {
  label: string;
  description: string;
  type: string;
  required: boolean;
  /** Required only when other fields hold certain values (Segment's conditional requirement). */
  requiredWhen?: unknown;
  multiple?: boolean;
  allowNull?: boolean;
  choices?: { label: string; value: unknown }[];
  default?: unknown;
  format?: string;
  placeholder?: string;
  properties?: Record<string, CatalogField>;
}

export interface CatalogAction {
  key: string;
  title: string;
  description: string;
  defaultSubscription: string | null;
  /** The action can send many events per request when its mapping enables batching. */
  batching: boolean;
  fields: Record<string, CatalogField>;
}

export interface CatalogPreset {
  name: string;
  partnerAction: string;
  /** `automatic` presets are a new destination's default subscriptions. */
  type: "automatic" | "specificEvent";
  subscribe: string | null;
  mapping: Record<string, unknown>;
}

export interface CatalogEntry {
  slug: string;
  type: string;
  name: string;
  description: string;
  /** `oauth2`/`oauth-managed` destinations also take `settings.oauth` (tokens, refreshed by the destination). */
  authentication: string | null;
  settings: Record<string, CatalogField>;
  actions: CatalogAction[];
  presets: CatalogPreset[];
}

function catalogField(field: FieldDefinition): CatalogField {
  const shown: CatalogField = {
    label: field.label,
    description: field.description ?? "",
    type: field.type,
    required: field.required === true,
  };
  if (field.required && typeof field.required === "object") shown.requiredWhen = field.required;
  if (field.multiple) shown.multiple = true;
  if (field.allowNull) shown.allowNull = true;
  if (field.choices) shown.choices = field.choices.map((choice) => (typeof choice === "string" ? { label: choice, value: choice } : choice));
  if (field.default !== undefined && typeof field.default !== "function") shown.default = field.default;
  if (typeof field.format === "string") shown.format = field.format;
  if (typeof field.placeholder === "string") shown.placeholder = field.placeholder;
  if (field.properties) shown.properties = catalogFields(field.properties);
  return shown;
}

function catalogFields(fields: Record<string, FieldDefinition>): Record<string, CatalogField> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, field]) => !field.unsafe_hidden)
      .map(([key, field]) => [key, catalogField(field)]),
  );
}

const catalog = new Map<string, CatalogEntry>();

export function catalogEntry(slug: string): CatalogEntry {
  const cached = catalog.get(slug);
  if (cached) return cached;
  const definition = actionsDefinition(slug);
  const entry: CatalogEntry = {
    slug,
    type: actionsTypeName(slug),
    name: definition.name,
    description: definition.description ?? "",
    authentication: definition.authentication?.scheme ?? null,
    settings: catalogFields(definition.authentication?.fields ?? {}),
    actions: Object.entries(definition.actions)
      .filter(([, action]) => !action.hidden)
      .map(([key, action]) => ({
        key,
        title: action.title,
        description: action.description,
        defaultSubscription: action.defaultSubscription ?? null,
        batching: typeof action.performBatch === "function",
        fields: catalogFields(action.fields ?? {}),
      })),
    // Only presets of actions this destination runs (some name device-mode actions of a browser plugin).
    presets: (definition.presets ?? []).filter((preset) => Object.hasOwn(definition.actions, preset.partnerAction)).map(catalogPreset),
  };
  catalog.set(slug, entry);
  return entry;
}

function catalogPreset(preset: Preset): CatalogPreset {
  return {
    name: preset.name ?? preset.partnerAction,
    partnerAction: preset.partnerAction,
    type: preset.type,
    subscribe: preset.type === "automatic" ? preset.subscribe : null,
    mapping: preset.mapping ?? {},
  };
}
