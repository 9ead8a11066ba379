import { SourceStore } from "../sources/source-store";
import { checkDestinationSettings, type SettingsProblem } from "./destination-settings";
import { DestinationStore, type Destination } from "./destination-store";
import { sealSettings, type SettingsSecrets } from "./sealed-settings";

/** Bounds on what a destination holds, checked by the admin API's schemas and the console's forms alike. */
export const DESTINATION_LIMITS = { name: 200, sources: 100, consentCategories: 50, consentCategory: 200 } as const;

/** What a change may name; what it leaves out keeps its value. The type never changes. */
export interface DestinationChanges {
  name?: string;
  enabled?: boolean;
  sourceIds?: string[];
  /** Checked by the type's own schema; a secret given as MASK keeps the stored one. */
  settings?: Record<string, unknown>;
  consentCategories?: string[];
}

export type DestinationChangeResult = { ok: true; destination: Destination } | ({ ok: false } & SettingsProblem);

/**
 * Changes a destination as `PATCH /api/v1/destinations/:id` does, for the admin API and the
 * console alike: every named source must exist, settings pass the type's schema with masked
 * secrets kept (destination-settings.ts) and OAuth tokens sealed (sealed-settings.ts), and
 * nothing is saved when a check fails.
 */
export async function changeDestination(
  db: D1Database,
  current: Destination,
  changes: DestinationChanges,
  now: Date,
  secrets?: SettingsSecrets,
): Promise<DestinationChangeResult> {
  if (changes.sourceIds) {
    const sources = new SourceStore(db);
    for (const id of changes.sourceIds) {
      if (!(await sources.get(id))) return { ok: false, field: "sourceIds", message: `sourceIds: no source with id ${id}.` };
    }
  }
  let settings = current.settings;
  if (changes.settings) {
    const checked = checkDestinationSettings(current.type, changes.settings, current.settings);
    if (!checked.ok) return checked;
    const sealed = await sealSettings(current.type, checked.settings, secrets);
    if (!sealed.ok) return sealed;
    settings = sealed.settings;
  }
  const destination: Destination = { ...current, ...changes, settings };
  await new DestinationStore(db).update(destination, now);
  return { ok: true, destination };
}
