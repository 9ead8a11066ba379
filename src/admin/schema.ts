import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { PlanStore } from "../protocols/plan-store";
import { setBlocked } from "../protocols/schema-blocks";
import { schemaCsv } from "../schema/export-csv";
import { archiveSchemaEvent, readSchema } from "../schema/store";
import { parseJson } from "./parse-json";
import { requireSource } from "./require-source";

const SCHEMA_TYPES = ["track", "identify", "group"] as const;

const changeEvent = z
  .object({
    type: z.enum(SCHEMA_TYPES, { error: `must be one of ${SCHEMA_TYPES.join(", ")}` }),
    name: z.string({ error: "must be the event's name as the schema shows it (`Page Viewed` for pages; empty for identify and group)" }).max(1000),
    archived: z.boolean({ error: "must be true (hide until seen again) or false (show)" }).optional(),
    blocked: z.boolean({ error: "must be true (drop these events: not archived, not delivered, counted) or false" }).optional(),
  })
  .refine((body) => body.archived !== undefined || body.blocked !== undefined, { error: "send archived and/or blocked" });

const changeTrait = z.object({
  type: z.enum(["identify", "group"], { error: "must be identify or group" }),
  name: z.string({ error: "must be the trait's name" }).min(1).max(1000),
  blocked: z.boolean({ error: "must be true (drop the trait from every call) or false" }),
});


/**
 * `/api/v1/sources/:id/schema`: what a source sends (Segment's Schema tab). `?archived=true`
 * includes hidden events; `/schema/export?type=track|identify|group` is the CSV export.
 */
export const schemaApi = new Hono<HonoEnv>()
  .get("/:id/schema", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    return c.json(await readSchema(c.env.DB, id, new Date(), { includeArchived: c.req.query("archived") === "true" }));
  })
  .patch("/:id/schema/events", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    const { type, name, archived, blocked } = await parseJson(c.req.raw, changeEvent);
    if (archived !== undefined && !(await archiveSchemaEvent(c.env.DB, id, type, name, archived))) {
      throw new ApiError(404, `The schema of source ${id} has no ${type} event ${JSON.stringify(name)}.`);
    }
    if (blocked !== undefined) {
      // Blocking needs no sighting: an event can be blocked before it is first sent.
      const store = new PlanStore(c.env.DB);
      const blocks = await store.schemaBlocks(id);
      await store.saveSchemaBlocks(id, { ...blocks, events: setBlocked(blocks.events, { type, name }, blocked) }, new Date());
    }
    return c.json({ event: { type, name, ...(archived === undefined ? {} : { archived }), ...(blocked === undefined ? {} : { blocked }) } });
  })
  .patch("/:id/schema/traits", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    const { type, name, blocked } = await parseJson(c.req.raw, changeTrait);
    const store = new PlanStore(c.env.DB);
    const blocks = await store.schemaBlocks(id);
    await store.saveSchemaBlocks(id, { ...blocks, traits: setBlocked(blocks.traits, { type, name }, blocked) }, new Date());
    return c.json({ trait: { type, name, blocked } });
  })
  .get("/:id/schema/blocks", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    return c.json({ blocks: await new PlanStore(c.env.DB).schemaBlocks(id) });
  })
  .get("/:id/schema/export", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    const type = c.req.query("type") ?? "track";
    if (!(SCHEMA_TYPES as readonly string[]).includes(type)) throw new ApiError(400, `type must be one of ${SCHEMA_TYPES.join(", ")}.`, "type");
    const { events } = await readSchema(c.env.DB, id, new Date(), { includeArchived: true });
    const day = new Date().toISOString().slice(0, 16).replace(":", "-");
    return c.body(schemaCsv(events, type as (typeof SCHEMA_TYPES)[number]), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${id}-${type}--${day}-utc.csv"`,
    });
  });
