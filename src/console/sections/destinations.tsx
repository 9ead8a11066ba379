import { destinationContext } from "../../destinations/destination-context";
import { settingsSecrets } from "../../destinations/sealed-settings";
import { outboundFetch } from "../../destinations/outbound";
import { Hono } from "hono";
import type { PostedForm } from "../form";
import { DeliveryDeadLetters } from "../../destinations/dead-letters";
import { readDeliveryHours, readDeliveryMetrics } from "../../destinations/delivery-stats";
import { changeDestination } from "../../destinations/change-destination";
import { checkDestinationSettings, withMaskedSecrets } from "../../destinations/destination-settings";
import { DestinationStore, MAX_FILTERS_PER_DESTINATION, type Destination } from "../../destinations/destination-store";
import { sampleEvent, testDestination } from "../../destinations/event-tester";
import { redriveDeadLetters } from "../../destinations/redrive-dead-letters";
import { debuggerFor } from "../../debugger/debugger-stub";
import type { Source } from "../../sources/source";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedInContext, type SignedInEnv } from "../context";
import { NotFoundPage } from "../pages";
import {
  destinationBodyOf,
  destinationChangesOf,
  destinationEditFormOf,
  destinationFormOf,
  editFieldOf,
  editValuesOf,
  EMPTY_DESTINATION_FORM,
  EMPTY_FILTER_FORM,
  eventOf,
  filterFormOf,
  filterOf,
  type DestinationFormValues,
  redriveIdsOf,
  redriveNotice,
} from "./destination-form";
import { DestinationPage } from "./destination-page";
import { DestinationsPage, type DestinationPageProps, type FilterPreview } from "./destination-pages";
import { debuggerSourceOf, pickableEntries, type DebuggerPick } from "./debugger-picks";
import { previewFormOf, previewOutcomeOf, type PreviewFormValues } from "./filter-preview";

/** Dead letters the page shows (one R2 read each). */
const DEAD_LETTERS_SHOWN = 20;

const posted = (c: SignedInContext): Promise<PostedForm> => c.req.parseBody<{ all: true }, PostedForm>({ all: true });
const pageContext = (c: SignedInContext) => ({ subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken });
const samplePretty = () => JSON.stringify(sampleEvent(), null, 2);

async function listPage(c: SignedInContext, form: DestinationFormValues, error?: string) {
  const now = new Date();
  const destinations = await new DestinationStore(c.env.DB).list();
  const rows = await Promise.all(destinations.map(async (destination) => ({ destination, metrics: await readDeliveryMetrics(c.env.DB, destination.id, now) })));
  const sources = await new SourceStore(c.env.DB).list();
  return render(c, <DestinationsPage {...pageContext(c)} destinations={rows} sources={sources} form={form} error={error} />, error ? 400 : 200);
}

/**
 * The preview panel: the chosen source's newest debugger events to pick from (the DebuggerObject
 * read directly, as the debugger page does) and, for a posted form, the filter tried on the event
 * picked or typed. Without a form: the sample event, no verdict yet.
 */
async function tryFilter(
  c: SignedInContext,
  destination: Destination,
  sources: readonly Source[],
  posted?: PreviewFormValues,
): Promise<{ preview: FilterPreview; picked?: DebuggerPick | undefined }> {
  const debuggerSourceId = debuggerSourceOf(posted?.debuggerSource ?? "", destination.sourceIds, sources);
  const picks = debuggerSourceId ? pickableEntries(await debuggerFor(c.env, debuggerSourceId).recent()) : [];
  const shown = { debuggerSourceId, picks: picks.map(({ id, label }) => ({ id, label })) };
  if (!posted) return { preview: { ...shown, values: { ...EMPTY_FILTER_FORM, action: "" }, event: samplePretty(), entryId: "" } };
  const picked = posted.entry ? picks.find((pick) => pick.id === posted.entry) : undefined;
  const event = picked ? JSON.stringify(picked.event, null, 2) : posted.event;
  const outcome = await previewOutcomeOf(posted, picked);
  return { preview: { ...shown, values: posted.filter, event, entryId: picked?.id ?? "", outcome }, picked };
}

/** Everything the destination page shows, loaded; `extra` is what a POST adds (a result, an error, what was typed). */
async function destinationPage(c: SignedInContext, destination: Destination, extra: Partial<DestinationPageProps> = {}, status: 200 | 400 | 409 = 200) {
  const now = new Date();
  const [filters, metrics, hours, letters, sources] = await Promise.all([
    new DestinationStore(c.env.DB).filters(destination.id),
    readDeliveryMetrics(c.env.DB, destination.id, now),
    readDeliveryHours(c.env.DB, destination.id, now),
    new DeliveryDeadLetters(c.env.ARCHIVE).list(destination.id, DEAD_LETTERS_SHOWN),
    new SourceStore(c.env.DB).list(),
  ]);
  const preview = extra.preview ?? (await tryFilter(c, destination, sources)).preview;
  const masked = withMaskedSecrets(destination);
  const props: DestinationPageProps = {
    ...pageContext(c),
    destination: masked,
    sources,
    edit: { values: editValuesOf(masked) },
    filters,
    metrics,
    hours,
    deadLetters: letters.deadLetters,
    moreDeadLetters: letters.next !== undefined,
    filterForm: EMPTY_FILTER_FORM,
    test: { event: samplePretty() },
    ...extra,
    preview,
  };
  return render(c, <DestinationPage {...props} />, status);
}

const notFound = (c: SignedInContext) => render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
const pathOf = (destination: Destination) => `/console/destinations/${encodeURIComponent(destination.id)}`;

/**
 * `/console/destinations`: the list with delivery health and the create form; a destination's
 * page with its settings, filters, filter preview, delivery chart, event tester and dead letters.
 * Every check is the admin API's own (destination-settings.ts, fql-condition.ts, actions.ts),
 * and every action the same shared function (event-tester.ts, redrive-dead-letters.ts).
 */
export const destinationsSection = new Hono<SignedInEnv>()
  .get("/destinations", (c) => listPage(c, EMPTY_DESTINATION_FORM))
  .post("/destinations", async (c) => {
    const form = destinationFormOf(await posted(c));
    const body = destinationBodyOf(form);
    if (!body.ok) return listPage(c, form, body.message);
    const checked = checkDestinationSettings(body.body.type, body.body.settings);
    if (!checked.ok) return listPage(c, form, checked.message);
    const sources = new SourceStore(c.env.DB);
    for (const id of body.body.sourceIds) if (!(await sources.get(id))) return listPage(c, form, `Source ${id} no longer exists: reload the page.`);
    const destination = await new DestinationStore(c.env.DB).create({ ...body.body, enabled: true, settings: checked.settings }, new Date());
    return c.redirect(pathOf(destination), 303);
  })
  .get("/destinations/:id", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFound(c);
    return destinationPage(c, destination, c.req.query("saved") === "1" ? { edit: { values: editValuesOf(withMaskedSecrets(destination)), saved: true } } : {});
  })
  .post("/destinations/:id/enabled", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFound(c);
    const form = await posted(c);
    await changeDestination(c.env.DB, destination, { enabled: form.enabled === "true" }, new Date());
    return c.redirect(pathOf(destination), 303);
  })
  // The edit form: PATCH /api/v1/destinations/:id's rules (changeDestination), each error next to its field.
  .post("/destinations/:id/settings", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFound(c);
    const values = destinationEditFormOf(await posted(c));
    const changes = destinationChangesOf(destination.type, values);
    const changed = changes.ok ? await changeDestination(c.env.DB, destination, changes.changes, new Date(), settingsSecrets(c.env)) : changes;
    if (!changed.ok) return destinationPage(c, destination, { edit: { values, error: { field: editFieldOf(changed.field), message: changed.message } } }, 400);
    // Back to the form, which says it was saved (a Location without a fragment would keep the form's #edit anyway).
    return c.redirect(`${pathOf(destination)}?saved=1#edit`, 303);
  })
  .post("/destinations/:id/filters", async (c) => {
    const store = new DestinationStore(c.env.DB);
    const destination = await store.get(c.req.param("id"));
    if (!destination) return notFound(c);
    const values = filterFormOf(await posted(c));
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
    return c.redirect(`${pathOf(destination)}#filters`, 303);
  })
  .post("/destinations/:id/filters/:filterId/delete", async (c) => {
    const store = new DestinationStore(c.env.DB);
    const destination = await store.get(c.req.param("id"));
    if (!destination) return notFound(c);
    await store.deleteFilter(destination.id, c.req.param("filterId"));
    return c.redirect(`${pathOf(destination)}#filters`, 303);
  })
  // The preview without script: the page again, with the verdict.
  .post("/destinations/:id/preview", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFound(c);
    const sources = await new SourceStore(c.env.DB).list();
    const { preview } = await tryFilter(c, destination, sources, previewFormOf(await posted(c)));
    return destinationPage(c, destination, { preview }, preview.outcome && "error" in preview.outcome ? 400 : 200);
  })
  // The live preview (client/filter-preview.ts): the same verdict as JSON, and the event picked, for the JSON field.
  .post("/destinations/:id/preview.json", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return c.json({ outcome: { error: "This destination no longer exists: reload the page." } }, 404);
    const sources = await new SourceStore(c.env.DB).list();
    const { preview, picked } = await tryFilter(c, destination, sources, previewFormOf(await posted(c)));
    const outcome = preview.outcome!;
    return c.json({ outcome, ...(picked ? { picked: preview.event } : {}) }, "error" in outcome ? 400 : 200);
  })
  .post("/destinations/:id/test", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFound(c);
    const form = await posted(c);
    const eventText = typeof form.event === "string" ? form.event : "";
    const event = eventOf(eventText);
    if (!event.ok) return destinationPage(c, destination, { test: { event: eventText, error: event.message } }, 400);
    return destinationPage(c, destination, {
      test: { event: eventText, result: await testDestination(destination, event.event, outboundFetch(c.env), destinationContext(c.env, destination.id)) },
    });
  })
  .post("/destinations/:id/dead-letters/redrive", async (c) => {
    const destination = await new DestinationStore(c.env.DB).get(c.req.param("id"));
    if (!destination) return notFound(c);
    // One letter's own button names it (`id`, its R2 key); "Re-drive all" names none.
    const named = redriveIdsOf(await posted(c));
    const result = await redriveDeadLetters(c.env, destination, named, new Date());
    if (!result.ok) return destinationPage(c, destination, { error: result.message }, result.status);
    return destinationPage(c, destination, { notice: redriveNotice(result, named) });
  });
