import { Hono } from "hono";
import { ACTIONS_SLUGS, actionsSlugOf, actionsTypeName, catalogEntry, type CatalogEntry } from "../../destinations/actions/catalog";
import { checkDestinationSettings } from "../../destinations/destination-settings";
import { DestinationStore } from "../../destinations/destination-store";
import { SourceStore } from "../../sources/source-store";
import { notFoundPage, pageContextOf, postedForm, render, type SignedInContext, type SignedInEnv } from "../context";
import { parsePage } from "../ui";
import { problemText, settingOfProblem, shownInput } from "./actions-form";
import { CatalogPage, SetupPage } from "./catalog-pages";
import { CATALOG_PAGE_SIZE, catalogItemOf, searchCatalog, type CatalogItem } from "./catalog-search";
import { emptySetupForm, setupBodyOf, setupFormOf, type SetupErrors, type SetupFormValues } from "./setup-form";

/** The catalog as listed, built once per isolate (it evaluates every destination's definition). */
let items: CatalogItem[] | undefined;
const catalogItems = () => (items ??= ACTIONS_SLUGS.map((slug) => catalogItemOf(catalogEntry(slug))));

/** The catalog destination a path names, or null. */
const entryOf = (slug: string): CatalogEntry | null => {
  const known = actionsSlugOf(actionsTypeName(slug));
  return known === null ? null : catalogEntry(known);
};

async function setupPage(c: SignedInContext, entry: CatalogEntry, values: SetupFormValues, errors: SetupErrors = {}) {
  const sources = await new SourceStore(c.env.DB).list();
  const shown = shownInput(entry.settings, values.settings);
  const page = (
    <SetupPage {...pageContextOf(c)} entry={entry} sources={sources} values={{ ...values, settings: shown.input }} retype={shown.retype} errors={errors} />
  );
  return render(c, page, Object.keys(errors).length > 0 ? 400 : 200);
}

/**
 * `/console/catalog`: Segment's Actions destinations, and a setup page per destination whose form
 * is generated from its settings fields. Creating one runs `POST /api/v1/destinations`'s checks
 * (checkDestinationSettings: the destination's own fields, Segment's FQL parser for the presets).
 */
export const catalogSection = new Hono<SignedInEnv>()
  .get("/catalog", (c) => {
    const query = (c.req.query("q") ?? "").trim().slice(0, 200);
    const page = parsePage(c.req.query("page"));
    const found = searchCatalog(catalogItems(), query);
    const shown = found.slice((page - 1) * CATALOG_PAGE_SIZE, page * CATALOG_PAGE_SIZE);
    return render(c, <CatalogPage {...pageContextOf(c)} query={query} page={page} items={shown} found={found.length} total={catalogItems().length} />);
  })
  .get("/catalog/:slug", async (c) => {
    const entry = entryOf(c.req.param("slug"));
    return entry ? setupPage(c, entry, emptySetupForm(entry)) : notFoundPage(c);
  })
  .post("/catalog/:slug", async (c) => {
    const entry = entryOf(c.req.param("slug"));
    if (!entry) return notFoundPage(c);
    const values = setupFormOf(entry, await postedForm(c));
    const body = setupBodyOf(entry, values);
    if (!body.ok) return setupPage(c, entry, values, body.errors);
    const checked = checkDestinationSettings(body.body.type, body.body.settings);
    if (!checked.ok) {
      const setting = settingOfProblem(entry.settings, checked);
      return setupPage(c, entry, values, setting ? { [`settings.${setting}`]: problemText(checked) } : { form: checked.message });
    }
    const sources = new SourceStore(c.env.DB);
    for (const id of body.body.sourceIds) {
      if (!(await sources.get(id))) return setupPage(c, entry, values, { sourceIds: `Source ${id} no longer exists: reload the page.` });
    }
    const destination = await new DestinationStore(c.env.DB).create({ ...body.body, enabled: true, settings: checked.settings }, new Date());
    return c.redirect(`/console/destinations/${encodeURIComponent(destination.id)}`, 303);
  });
