import { destinationContext } from "../../destinations/destination-context";
import { settingsSecrets } from "../../destinations/sealed-settings";
import { Hono } from "hono";
import { changeDestination } from "../../destinations/change-destination";
import { readDeliveryMetrics } from "../../destinations/delivery-stats";
import { checkDestinationSettings, withMaskedSecrets } from "../../destinations/destination-settings";
import { DestinationStore, MAX_FILTERS_PER_DESTINATION } from "../../destinations/destination-store";
import { testDestination } from "../../destinations/event-tester";
import { outboundFetch } from "../../destinations/outbound";
import { redriveDeadLetters } from "../../destinations/redrive-dead-letters";
import { SourceStore } from "../../sources/source-store";
import { notFoundPage, pageContextOf, postedForm, render, type SignedInContext, type SignedInEnv } from "../context";
import { saveActionsSettings } from "./destination-actions";
import {
  destinationBodyOf,
  destinationChangesOf,
  destinationEditFormOf,
  destinationFormOf,
  editFieldOf,
  editValuesOf,
  EMPTY_DESTINATION_FORM,
  eventOf,
  filterFormOf,
  filterOf,
  type DestinationFormValues,
  redriveIdsOf,
  redriveNotice,
} from "./destination-form";
import { actionsEntryOf, destinationPage, destinationPath, tryFilter } from "./destination-loader";
import { DestinationsPage } from "./destination-pages";
import { previewFormOf } from "./filter-preview";

async function listPage(c: SignedInContext, form: DestinationFormValues, error?: string) {
  const now = new Date();
  const destinations = await new DestinationStore(c.env.DB).list();
  const rows = await Promise.all(destinations.map(async (destination) => ({ destination, metrics: await readDeliveryMetrics(c.env.DB, destination.id, now) })));
  const sources = await new SourceStore(c.env.DB).list();
  return render(c, <DestinationsPage {...pageContextOf(c)} destinations={rows} sources={sources} form={form} error={error} />, error ? 400 : 200);
}

/**
 * `/console/destinations`: the list with delivery health and the create form; a destination's
 * page with its settings, filters, filter preview, delivery chart, event tester and dead letters.
 * Every check is the admin API's own (destination-settings.ts, fql-condition.ts, actions.ts),
 * and every action the same shared function (event-tester.ts, redrive-dead-letters.ts).
 */
export const destinationsSection = new Hono<SignedInEnv>()
  .get("/destinations", (c) => listPage(c, EMPTY_DESTINATION_FORM))
  .post("/destinations", async (c) => {
    const form = destinationFormOf(await postedForm(c));
    const body = destinationBodyOf(form);
    if (!body.ok) return listPage(c, form, body.message);
    const checked = checkDestinationSettings(body.body.type, body.body.settings);
    if (!checked.ok) return listPage(c, form, checked.message);
    const sources = new SourceStore(c.env.DB);
    for (const id of body.body.sourceIds) if (!(await sources.get(id))) return listPage(c, form, `Source ${id} no longer exists: reload the page.`);
    const destination = await new DestinationStore(c.env.DB).create({ ...body.body, enabled: true, settings: checked.settings }, new Date());
    return c.redirect(destinationPath(destination), 303);
  })
  .get("/destinations/:id", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    return destinationPage(c, destination, c.req.query("saved") === "1" ? { edit: { values: editValuesOf(withMaskedSecrets(destination)), saved: true } } : {});
  })
  .post("/destinations/:id/enabled", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    const form = await postedForm(c);
    await changeDestination(c.env.DB, destination, { enabled: form.enabled === "true" }, new Date());
    return c.redirect(destinationPath(destination), 303);
  })
  // The edit form: PATCH /api/v1/destinations/:id's rules (changeDestination), each error next to its field.
  .post("/destinations/:id/settings", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    const entry = actionsEntryOf(destination);
    if (entry) return saveActionsSettings(c, destination, entry);
    const values = destinationEditFormOf(await postedForm(c));
    const changes = destinationChangesOf(destination.type, values);
    const changed = changes.ok ? await changeDestination(c.env.DB, destination, changes.changes, new Date(), settingsSecrets(c.env)) : changes;
    if (!changed.ok) return destinationPage(c, destination, { edit: { values, error: { field: editFieldOf(changed.field), message: changed.message } } }, 400);
    // Back to the form, which says it was saved (a Location without a fragment would keep the form's #edit anyway).
    return c.redirect(`${destinationPath(destination)}?saved=1#edit`, 303);
  })
  .post("/destinations/:id/filters", async (c) => {
    const store = new DestinationStore(c.env.DB);
    const destination = await store.get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    const values = filterFormOf(await postedForm(c));
    const title = values.title.trim();
    const filter = filterOf(values);
    const problem = !title ? "Give the filter a title." : !filter.ok ? filter.message : undefined;
    if (problem || !filter.ok) return destinationPage(c, destination, { filterForm: values, filterError: problem }, 400);
    if (filter.actions.length === 0) return destinationPage(c, destination, { filterForm: values, filterError: "Choose what the filter does." }, 400);
    const added = await store.addFilter(destination.id, { title, if: filter.if, actions: filter.actions, enabled: true }, new Date());
    if (!added) {
      return destinationPage(
        c,
        destination,
        { filterForm: values, filterError: `A destination has at most ${MAX_FILTERS_PER_DESTINATION} filters: delete one first.` },
        409,
      );
    }
    return c.redirect(`${destinationPath(destination)}#filters`, 303);
  })
  .post("/destinations/:id/filters/:filterId/delete", async (c) => {
    const store = new DestinationStore(c.env.DB);
    const destination = await store.get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    await store.deleteFilter(destination.id, c.req.param("filterId"));
    return c.redirect(`${destinationPath(destination)}#filters`, 303);
  })
  // The preview without script: the page again, with the verdict.
  .post("/destinations/:id/preview", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    const sources = await new SourceStore(c.env.DB).list();
    const { preview } = await tryFilter(c, destination, sources, previewFormOf(await postedForm(c)));
    return destinationPage(c, destination, { preview }, preview.outcome && "error" in preview.outcome ? 400 : 200);
  })
  // The live preview (client/filter-preview.ts): the same verdict as JSON, and the event picked, for the JSON field.
  .post("/destinations/:id/preview.json", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return c.json({ outcome: { error: "This destination no longer exists: reload the page." } }, 404);
    const sources = await new SourceStore(c.env.DB).list();
    const { preview, picked } = await tryFilter(c, destination, sources, previewFormOf(await postedForm(c)));
    const outcome = preview.outcome!;
    return c.json({ outcome, ...(picked ? { picked: preview.event } : {}) }, "error" in outcome ? 400 : 200);
  })
  .post("/destinations/:id/test", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    const form = await postedForm(c);
    const eventText = typeof form.event === "string" ? form.event : "";
    const event = eventOf(eventText);
    if (!event.ok) return destinationPage(c, destination, { test: { event: eventText, error: event.message } }, 400);
    return destinationPage(c, destination, {
      test: { event: eventText, result: await testDestination(destination, event.event, outboundFetch(c.env), destinationContext(c.env, destination.id)) },
    });
  })
  .post("/destinations/:id/dead-letters/redrive", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFoundPage(c);
    // One letter's own button names it (`id`, its R2 key); "Re-drive all" names none.
    const named = redriveIdsOf(await postedForm(c));
    const result = await redriveDeadLetters(c.env, destination, named, new Date());
    if (!result.ok) return destinationPage(c, destination, { error: result.message }, result.status);
    return destinationPage(c, destination, { notice: redriveNotice(result, named) });
  });
