import { Hono } from "hono";
import { changeSource } from "../../sources/change-source";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, SCRIPT_ALIAS_PATTERN } from "../../sources/source";
import { SourceStore } from "../../sources/source-store";
import { formFields, render, type SignedInContext, type SignedInEnv } from "../context";
import { NotFoundPage } from "../pages";
import { emptyActivity, pageOf, readSourceActivity } from "../source-activity";
import { SourcePage, SourcesPage } from "../sources-pages";

/** Sources per page of the list. */
export const SOURCES_PER_PAGE = 25;

const viewerOf = (c: SignedInContext) => ({ subject: c.get("signedIn").session.sub, csrfToken: c.get("signedIn").csrfToken });

async function listPage(c: SignedInContext, page: number, form?: { error: string; name: string }) {
  const now = new Date();
  const [all, activity] = await Promise.all([new SourceStore(c.env.DB).list(), readSourceActivity(c.env.DB, now)]);
  const shown = pageOf(all, page, SOURCES_PER_PAGE);
  const rows = shown.items.map((source) => ({ source, activity: activity.get(source.id) ?? emptyActivity() }));
  return render(
    c,
    <SourcesPage {...viewerOf(c)} rows={rows} page={shown.page} pageSize={SOURCES_PER_PAGE} total={all.length} {...(form ?? {})} />,
    form ? 400 : 200,
  );
}

type SourcePageExtra = { aliasError?: string; alias?: string; retentionError?: string; retention?: string; notice?: string };

async function sourcePage(c: SignedInContext, id: string, extra: SourcePageExtra = {}, status: 200 | 400 | 409 = 200) {
  const source = await new SourceStore(c.env.DB).get(id);
  if (!source) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
  const activity = (await readSourceActivity(c.env.DB, new Date())).get(source.id) ?? emptyActivity();
  return render(c, <SourcePage {...viewerOf(c)} source={source} activity={activity} origin={new URL(c.req.url).origin} {...extra} />, status);
}

/** `/console/sources`: the list with its create form, and a page per source. */
export const sourcesSection = new Hono<SignedInEnv>()
  .get("/sources", (c) => listPage(c, Number(c.req.query("page") ?? "1")))
  .post("/sources", async (c) => {
    const name = ((await formFields(c)).name ?? "").trim();
    if (!name) return listPage(c, 1, { error: "Enter a name for the source, such as the site or app it is for.", name });
    if (name.length > 200) return listPage(c, 1, { error: "That name is longer than 200 characters: shorten it.", name });
    const source = await new SourceStore(c.env.DB).create(name, new Date());
    return c.redirect(`/console/sources/${encodeURIComponent(source.id)}`, 303);
  })
  .get("/sources/:id", (c) => sourcePage(c, c.req.param("id")))
  .post("/sources/:id/enabled", async (c) => {
    const id = c.req.param("id");
    const enabled = (await formFields(c)).enabled === "true";
    const result = await changeSource(new SourceStore(c.env.DB), id, { enabled }, new Date());
    if ("error" in result) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    return c.redirect(`/console/sources/${encodeURIComponent(id)}`, 303);
  })
  .post("/sources/:id/alias", async (c) => {
    const id = c.req.param("id");
    const fields = await formFields(c);
    const alias = (fields.scriptAlias ?? "").trim();
    const remove = fields.remove === "1";
    if (!remove && !SCRIPT_ALIAS_PATTERN.test(alias)) {
      const aliasError = alias
        ? "An alias is 3 to 40 lower-case letters, digits or dashes (it becomes the path /s/<alias>.js): change it to fit."
        : "Enter an alias, such as site-assets.";
      return sourcePage(c, id, { aliasError, alias }, 400);
    }
    const result = await changeSource(new SourceStore(c.env.DB), id, { scriptAlias: remove ? null : alias }, new Date());
    if ("error" in result) {
      if (result.error === "not-found") return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
      return sourcePage(c, id, { aliasError: `The alias ${alias} is taken by another source: choose another.`, alias }, 409);
    }
    return c.redirect(`/console/sources/${encodeURIComponent(id)}`, 303);
  })
  .post("/sources/:id/retention", async (c) => {
    const id = c.req.param("id");
    const fields = await formFields(c);
    const typed = (fields.retentionDays ?? "").trim();
    const unlimited = fields.unlimited === "1";
    if (!unlimited && !typed) return sourcePage(c, id, { retentionError: "Enter a number of days to keep, such as 90.", retention: typed }, 400);
    // changeSource checks the number, as it does for the admin API: anything but digits fails it.
    const retentionDays = unlimited ? null : /^\d+$/.test(typed) ? Number(typed) : Number.NaN;
    const result = await changeSource(new SourceStore(c.env.DB), id, { retentionDays }, new Date());
    if ("error" in result) {
      if (result.error === "invalid-retention") {
        const retentionError = `Keep events a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}: ${typed} is not one.`;
        return sourcePage(c, id, { retentionError, retention: typed }, 400);
      }
      return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    }
    return c.redirect(`/console/sources/${encodeURIComponent(id)}`, 303);
  });
