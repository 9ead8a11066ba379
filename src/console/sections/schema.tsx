import { Hono } from "hono";
import { z } from "zod";
import { setSchemaEventBlocked, setSchemaTraitBlocked } from "../../protocols/block-schema-event";
import { PlanStore } from "../../protocols/plan-store";
import { readSchemaPage } from "../../schema/read-page";
import { SourceStore } from "../../sources/source-store";
import { formFields, render, type SignedInEnv } from "../context";
import { NotFoundPage, RefusedPage } from "../pages";
import { SCHEMA_PAGE_SIZE, SchemaSourcesPage, SourceSchemaPage } from "./schema-page";
import { parsePage } from "../ui";

const traitBlockForm = z.object({
  type: z.enum(["identify", "group"]),
  name: z.string().min(1).max(1000),
  blocked: z.enum(["true", "false"]),
  page: z.string().optional(),
});

const blockForm = z.object({
  type: z.enum(["track", "identify", "group"]),
  name: z.string().max(1000),
  blocked: z.enum(["true", "false"]),
  page: z.string().optional(),
});

/** `?event=<type>:<name>` (the name may hold colons). */
function parseExpanded(value: string | undefined): { type: string; name: string } | undefined {
  if (!value) return undefined;
  const colon = value.indexOf(":");
  return colon > 0 ? { type: value.slice(0, colon), name: value.slice(colon + 1) } : undefined;
}

/** `/console/schema`: sources, then a source's schema a page at a time, with block/unblock. */
export const schemaSection = new Hono<SignedInEnv>()
  .get("/schema", async (c) => {
    const { session, csrfToken } = c.get("signedIn");
    return render(c, <SchemaSourcesPage subject={session.sub} csrfToken={csrfToken} sources={await new SourceStore(c.env.DB).list()} />);
  })
  .get("/schema/:sourceId", async (c) => {
    const { session, csrfToken } = c.get("signedIn");
    const source = await new SourceStore(c.env.DB).get(c.req.param("sourceId"));
    if (!source) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    const page = parsePage(c.req.query("page"));
    const expanded = parseExpanded(c.req.query("event"));
    const [schema, blocks] = await Promise.all([
      readSchemaPage(c.env.DB, source.id, new Date(), { offset: (page - 1) * SCHEMA_PAGE_SIZE, limit: SCHEMA_PAGE_SIZE, expand: expanded }),
      new PlanStore(c.env.DB).schemaBlocks(source.id),
    ]);
    return render(c, <SourceSchemaPage subject={session.sub} csrfToken={csrfToken} source={source} schema={schema} blocks={blocks} expanded={expanded} />);
  })
  .post("/schema/:sourceId/blocks", async (c) => {
    const source = await new SourceStore(c.env.DB).get(c.req.param("sourceId"));
    if (!source) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    const form = blockForm.safeParse(await formFields(c));
    if (!form.success)
      return render(c, <RefusedPage message="This block form is incomplete. Reload the schema page and use its Block or Unblock button." />, 400);
    const { type, name, blocked, page } = form.data;
    await setSchemaEventBlocked(c.env.DB, source.id, { type, name }, blocked === "true", new Date());
    return c.redirect(`/console/schema/${encodeURIComponent(source.id)}?page=${parsePage(page)}`, 303);
  })
  .post("/schema/:sourceId/trait-blocks", async (c) => {
    const source = await new SourceStore(c.env.DB).get(c.req.param("sourceId"));
    if (!source) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    const form = traitBlockForm.safeParse(await formFields(c));
    if (!form.success)
      return render(c, <RefusedPage message="This block form is incomplete. Reload the schema page and use its Block or Unblock button." />, 400);
    const { type, name, blocked, page } = form.data;
    await setSchemaTraitBlocked(c.env.DB, source.id, { type, name }, blocked === "true", new Date());
    const expanded = `${type}:`;
    return c.redirect(`/console/schema/${encodeURIComponent(source.id)}?page=${parsePage(page)}&event=${encodeURIComponent(expanded)}`, 303);
  });
