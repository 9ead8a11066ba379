import { actionsSlugOf, catalogEntry, type CatalogEntry } from "../../destinations/actions/catalog";
import { DeliveryDeadLetters } from "../../destinations/dead-letters";
import { readDeliveryHours, readDeliveryMetrics } from "../../destinations/delivery-stats";
import { withMaskedSecrets } from "../../destinations/destination-settings";
import { DestinationStore, type Destination } from "../../destinations/destination-store";
import { sampleEvent } from "../../destinations/event-tester";
import { debuggerFor } from "../../debugger/debugger-stub";
import type { Source } from "../../sources/source";
import { SourceStore } from "../../sources/source-store";
import { pageContextOf, render, type SignedInContext } from "../context";
import { settingsInputOf, storedSecretsOf } from "./actions-form";
import { debuggerSourceOf, pickableEntries, type DebuggerPick } from "./debugger-picks";
import { EMPTY_FILTER_FORM, editValuesOf } from "./destination-form";
import { DestinationPage } from "./destination-page";
import type { ActionsPanels, DestinationPageProps, FilterPreview } from "./destination-pages";
import { previewOutcomeOf, type PreviewFormValues } from "./filter-preview";
import type { SettingsFieldsState } from "./settings-fields";
import { mappingIndexOf, mappingValuesOf, subscriptionsOf, subscriptionsVersion, templateValues, type MappingEditor } from "./subscriptions-form";

/** Loading a destination's page: everything it shows, with what a POST adds. Shared by the routes of destinations.tsx and destination-actions.tsx. */

/** Dead letters the page shows (one R2 read each). */
const DEAD_LETTERS_SHOWN = 20;

export const samplePretty = () => JSON.stringify(sampleEvent(), null, 2);
export const destinationPath = (destination: Destination) => `/console/destinations/${encodeURIComponent(destination.id)}`;

/** An Actions destination's catalog entry, or null for a built-in type. */
export function actionsEntryOf(destination: Destination): CatalogEntry | null {
  const slug = actionsSlugOf(destination.type);
  return slug === null ? null : catalogEntry(slug);
}

/**
 * Whose debugger events the previews offer (the source asked for, else the destination's first)
 * and its newest accepted events, read from its DebuggerObject directly, as the debugger page does.
 */
export async function debuggerPicks(
  c: SignedInContext,
  destination: Destination,
  sources: readonly Source[],
  requested: string,
): Promise<{ debuggerSourceId: string | null; picks: DebuggerPick[] }> {
  const debuggerSourceId = debuggerSourceOf(requested, destination.sourceIds, sources);
  return { debuggerSourceId, picks: debuggerSourceId ? pickableEntries(await debuggerFor(c.env, debuggerSourceId).recent()) : [] };
}

/** A list of picks as the page shows them: without the events. */
export const shownPicks = (picks: readonly DebuggerPick[]) => picks.map(({ id, label }) => ({ id, label }));

/**
 * The filter preview panel: the chosen source's newest debugger events to pick from and, for a
 * posted form, the filter tried on the event picked or typed. Without a form: the sample event,
 * no verdict yet.
 */
export async function tryFilter(
  c: SignedInContext,
  destination: Destination,
  sources: readonly Source[],
  posted?: PreviewFormValues,
  loaded?: Awaited<ReturnType<typeof debuggerPicks>>,
): Promise<{ preview: FilterPreview; picked?: DebuggerPick | undefined }> {
  const { debuggerSourceId, picks } = loaded ?? (await debuggerPicks(c, destination, sources, posted?.debuggerSource ?? ""));
  const shown = { debuggerSourceId, picks: shownPicks(picks) };
  if (!posted) return { preview: { ...shown, values: { ...EMPTY_FILTER_FORM, action: "" }, event: samplePretty(), entryId: "" } };
  const picked = posted.entry ? picks.find((pick) => pick.id === posted.entry) : undefined;
  const event = picked ? JSON.stringify(picked.event, null, 2) : posted.event;
  const outcome = await previewOutcomeOf(posted, picked);
  return { preview: { ...shown, values: posted.filter, event, entryId: picked?.id ?? "", outcome }, picked };
}

/** What `?done=` after a mapping change says. */
const DONE: Record<string, string> = {
  "mapping-added": "Mapping added: it applies to the next events delivered.",
  "mapping-saved": "Mapping saved: it applies to the next events delivered.",
  "mapping-deleted": "Mapping deleted.",
  "mapping-enabled": "Mapping enabled: it sends the events it matches again.",
  "mapping-disabled": "Mapping disabled: it sends nothing until enabled.",
};

/** The mapping editor a GET asks for: `?mapping=<index>` edits one, else a new one filled from `?from=` (an action or a preset). */
function requestedEditor(c: SignedInContext, entry: CatalogEntry, destination: Destination): MappingEditor {
  const index = mappingIndexOf(c.req.query("mapping"));
  const subscription = index === null ? undefined : subscriptionsOf(destination.settings)[index];
  if (index !== null && subscription) return { index, values: mappingValuesOf(subscription), errors: {} };
  const from = c.req.query("from") ?? "";
  return { index: null, values: templateValues(entry, from), errors: {}, from };
}

/** The settings part of the edit form for an Actions destination, filled from its settings as shown (secrets masked). */
export function actionsSettingsState(entry: CatalogEntry, masked: Destination): SettingsFieldsState {
  return {
    fields: entry.settings,
    input: settingsInputOf(entry.settings, masked.settings),
    errors: {},
    storedSecrets: storedSecretsOf(entry.settings, masked.settings),
    retype: [],
  };
}

/**
 * Everything the destination page shows, loaded; `extra` is what a POST adds (a result, an error,
 * what was typed), and `actionsExtra` the same for an Actions destination's panels.
 */
export async function destinationPage(
  c: SignedInContext,
  destination: Destination,
  extra: Partial<DestinationPageProps> = {},
  status: 200 | 400 | 409 = 200,
  actionsExtra: Partial<ActionsPanels> = {},
) {
  const now = new Date();
  const [filters, metrics, hours, letters, sources] = await Promise.all([
    new DestinationStore(c.env.DB).filters(destination.id),
    readDeliveryMetrics(c.env.DB, destination.id, now),
    readDeliveryHours(c.env.DB, destination.id, now),
    new DeliveryDeadLetters(c.env.ARCHIVE).list(destination.id, DEAD_LETTERS_SHOWN),
    new SourceStore(c.env.DB).list(),
  ]);
  const entry = actionsEntryOf(destination);
  // One read of the default source's debugger serves both previews.
  const defaultPicks = extra.preview && actionsExtra.requests ? undefined : await debuggerPicks(c, destination, sources, "");
  const preview = extra.preview ?? (await tryFilter(c, destination, sources, undefined, defaultPicks)).preview;
  const masked = withMaskedSecrets(destination);
  const edit = extra.edit ?? { values: editValuesOf(masked) };
  const actions: ActionsPanels | undefined = entry
    ? {
        entry,
        subscriptions: subscriptionsOf(destination.settings),
        version: subscriptionsVersion(subscriptionsOf(destination.settings)),
        editor: requestedEditor(c, entry, destination),
        requests: {
          debuggerSourceId: defaultPicks?.debuggerSourceId ?? null,
          picks: shownPicks(defaultPicks?.picks ?? []),
          event: samplePretty(),
          entryId: "",
        },
        notice: DONE[c.req.query("done") ?? ""],
        ...actionsExtra,
      }
    : undefined;
  const props: DestinationPageProps = {
    ...pageContextOf(c),
    destination: masked,
    sources,
    filters,
    metrics,
    hours,
    deadLetters: letters.deadLetters,
    moreDeadLetters: letters.next !== undefined,
    filterForm: EMPTY_FILTER_FORM,
    test: { event: samplePretty() },
    ...extra,
    edit: entry && !edit.settings ? { ...edit, settings: actionsSettingsState(entry, masked) } : edit,
    preview,
    actions,
  };
  return render(c, <DestinationPage {...props} />, status);
}
