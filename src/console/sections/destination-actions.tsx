import { Hono } from "hono";
import type { CatalogEntry } from "../../destinations/actions/catalog";
import type { Subscription } from "../../destinations/actions/subscriptions";
import { changeDestination } from "../../destinations/change-destination";
import { destinationContext } from "../../destinations/destination-context";
import { settingsSecrets } from "../../destinations/sealed-settings";
import { MASK, withMaskedSecrets } from "../../destinations/destination-settings";
import { DestinationStore, type Destination } from "../../destinations/destination-store";
import { destinationType, type RegisteredDestinationType } from "../../destinations/types";
import { SourceStore } from "../../sources/source-store";
import { notFoundPage, postedForm, type SignedInContext, type SignedInEnv } from "../context";
import { text } from "../form";
import { problemText, settingOfProblem, settingsFromInput, settingsInputFromForm, shownInput, storedSecretsOf, type SettingsErrors } from "./actions-form";
import { commonFieldsOf, destinationEditFormOf, editFieldOf, type EditProblem } from "./destination-form";
import { actionsEntryOf, debuggerPicks, destinationPage, destinationPath, shownPicks } from "./destination-loader";
import { previewRequests, requestPreviewFormOf } from "./request-preview";
import {
  mappingErrorsOf,
  mappingFormOf,
  mappingIndexOf,
  savedSubscriptions,
  subscriptionsOf,
  subscriptionsVersion,
  withoutSubscription,
  withSubscriptionEnabled,
  type MappingErrors,
} from "./subscriptions-form";

/**
 * An Actions destination's own forms on its page: its settings (the generated form), its mappings
 * (add, change, enable or disable, delete) and the request preview. Saving is
 * `PATCH /api/v1/destinations/:id` (changeDestination: the destination's own fields, Segment's FQL
 * parser), previewing is `POST /api/v1/destinations/:id/preview` (previewDestination).
 */

const CHANGED_MEANWHILE =
  "The mappings changed since this page was loaded (in another tab, or through the API): they are shown as they are now. Check them, then try again.";

interface ActionsDestination {
  destination: Destination;
  entry: CatalogEntry;
  type: RegisteredDestinationType;
}

/** The Actions destination a path names, or null (none, or a built-in type, which has no mappings). */
async function actionsDestinationOf(c: SignedInContext): Promise<ActionsDestination | null> {
  const destination = await new DestinationStore(c.env.DB).get(c.req.param("id") ?? "");
  const entry = destination ? actionsEntryOf(destination) : null;
  const type = destination ? destinationType(destination.type) : undefined;
  return destination && entry && type ? { destination, entry, type } : null;
}

/** Saves the mappings as the admin API's PATCH does; the stored secrets go back masked, so they are kept. */
const saveSubscriptions = (c: SignedInContext, destination: Destination, subscriptions: Subscription[]) =>
  changeDestination(c.env.DB, destination, { settings: { ...withMaskedSecrets(destination).settings, subscriptions } }, new Date(), settingsSecrets(c.env));

/** A one-button change (enable, disable, delete) of the mapping at `index`, made only on the list the page showed. */
async function changeOne(c: SignedInContext, change: (current: Subscription[], index: number) => Subscription[], done: (index: number) => string) {
  const found = await actionsDestinationOf(c);
  if (!found) return notFoundPage(c);
  const { destination } = found;
  const form = await postedForm(c);
  const index = mappingIndexOf(text(form, "index"));
  const current = subscriptionsOf(destination.settings);
  if (index === null || index >= current.length || text(form, "version") !== subscriptionsVersion(current)) {
    return destinationPage(c, destination, {}, 409, { error: CHANGED_MEANWHILE });
  }
  const changed = await saveSubscriptions(c, destination, change(current, index));
  if (!changed.ok) return destinationPage(c, destination, {}, 400, { error: changed.message });
  return c.redirect(`${destinationPath(destination)}?done=${done(index)}#mappings`, 303);
}

/**
 * The edit form of an Actions destination: the name, sources and consent as for every type, its
 * settings from the generated fields (a secret left blank keeps the stored one), its mappings and
 * OAuth tokens kept as they are. Each error next to its field; secrets typed are never shown again.
 */
export async function saveActionsSettings(c: SignedInContext, destination: Destination, entry: CatalogEntry) {
  const form = await postedForm(c);
  const values = destinationEditFormOf(form);
  const input = settingsInputFromForm(entry.settings, form);
  const storedSecrets = storedSecretsOf(entry.settings, withMaskedSecrets(destination).settings);
  const again = (error: EditProblem | undefined, errors: SettingsErrors = {}, formError?: string) => {
    const shown = shownInput(entry.settings, input);
    const settings = { fields: entry.settings, input: shown.input, errors, storedSecrets, retype: shown.retype, formError };
    return destinationPage(c, destination, { edit: { values, error, settings } }, 400);
  };
  const common = commonFieldsOf(values);
  const settings = settingsFromInput(entry.settings, input, storedSecrets);
  if (!common.ok || !settings.ok) return again(common.ok ? undefined : common, settings.ok ? {} : settings.errors);
  const given = {
    ...settings.settings,
    subscriptions: destination.settings.subscriptions,
    ...(destination.settings.oauth === undefined ? {} : { oauth: MASK }),
  };
  const { name, sourceIds, consentCategories } = common;
  const changed = await changeDestination(
    c.env.DB,
    destination,
    { name, enabled: values.enabled, sourceIds, consentCategories, settings: given },
    new Date(),
    settingsSecrets(c.env),
  );
  if (!changed.ok) {
    if (!changed.field.startsWith("settings")) return again({ field: editFieldOf(changed.field), message: changed.message });
    const key = settingOfProblem(entry.settings, changed);
    return key ? again(undefined, { [key]: problemText(changed) }) : again(undefined, {}, changed.message);
  }
  return c.redirect(`${destinationPath(destination)}?saved=1#edit`, 303);
}

/** The request preview of a posted form: the event picked or typed, and what each mapping would send. */
async function previewPosted(c: SignedInContext, { destination, entry, type }: ActionsDestination) {
  const values = requestPreviewFormOf(await postedForm(c));
  const sources = await new SourceStore(c.env.DB).list();
  const { debuggerSourceId, picks } = await debuggerPicks(c, destination, sources, values.debuggerSource);
  const picked = values.entry ? picks.find((pick) => pick.id === values.entry) : undefined;
  const outcome = await previewRequests(type, destination, entry, values, picked, destinationContext(c.env, destination.id));
  const event = picked ? JSON.stringify(picked.event, null, 2) : values.event;
  return { requests: { debuggerSourceId, picks: shownPicks(picks), event, entryId: picked?.id ?? "", outcome }, picked };
}

export const destinationActionsSection = new Hono<SignedInEnv>()
  .post("/destinations/:id/mappings", async (c) => {
    const found = await actionsDestinationOf(c);
    if (!found) return notFoundPage(c);
    const { destination, entry } = found;
    const { index, version, values } = mappingFormOf(await postedForm(c));
    const current = subscriptionsOf(destination.settings);
    const again = (errors: MappingErrors, status: 400 | 409 = 400) => destinationPage(c, destination, {}, status, { editor: { index, values, errors } });
    if (version !== subscriptionsVersion(current)) return again({ form: CHANGED_MEANWHILE }, 409);
    const saved = savedSubscriptions(entry, current, index, values);
    if (!saved.ok) return again(saved.errors);
    const changed = await saveSubscriptions(c, destination, saved.subscriptions);
    if (!changed.ok) return again(mappingErrorsOf(changed, index ?? current.length, values.subscribe.trim()));
    return c.redirect(`${destinationPath(destination)}?done=${index === null ? "mapping-added" : "mapping-saved"}#mappings`, 303);
  })
  .post("/destinations/:id/mappings/enabled", async (c) => {
    const enabled = text(await postedForm(c), "enabled") === "true";
    return changeOne(
      c,
      (current, index) => withSubscriptionEnabled(current, index, enabled),
      () => (enabled ? "mapping-enabled" : "mapping-disabled"),
    );
  })
  .post("/destinations/:id/mappings/delete", (c) => changeOne(c, withoutSubscription, () => "mapping-deleted"))
  // The preview without script: the page again, with the requests.
  .post("/destinations/:id/requests", async (c) => {
    const found = await actionsDestinationOf(c);
    if (!found) return notFoundPage(c);
    const { requests } = await previewPosted(c, found);
    return destinationPage(c, found.destination, {}, "error" in requests.outcome ? 400 : 200, { requests });
  })
  // The live preview (client/request-preview.ts): the same outcome as JSON, and the event picked, for the JSON field.
  .post("/destinations/:id/requests.json", async (c) => {
    const found = await actionsDestinationOf(c);
    if (!found) return c.json({ outcome: { error: "This destination no longer exists: reload the page." } }, 404);
    const { requests, picked } = await previewPosted(c, found);
    return c.json({ outcome: requests.outcome, ...(picked ? { picked: requests.event } : {}) }, "error" in requests.outcome ? 400 : 200);
  });
