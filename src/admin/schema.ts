import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { queryChoice, queryFlag } from "../http/query";
import { setSchemaEventBlocked, setSchemaTraitBlocked } from "../protocols/block-schema-event";
import { PlanStore } from "../protocols/plan-store";
import { schemaCsv } from "../schema/export-csv";
import { archiveSchemaEvent, readSchema } from "../schema/store";
import { requireSource } from "./require-source";

const SCHEMA_TYPES = ["track", "identify", "group"] as const;
const OBSERVED_TYPES = ["string", "date-time", "integer", "number", "boolean", "object", "array", "null"] as const;

const SchemaProperty = z
  .object({ path: z.string(), types: z.array(z.enum(OBSERVED_TYPES)), firstSeen: z.string(), lastSeen: z.string() })
  .openapi("SchemaProperty");

const SchemaEvent = z
  .object({
    type: z.string(),
    name: z.string().openapi({ description: "Track event name, page or screen name; empty for identify and group." }),
    count24h: z.number().int(),
    count30d: z.number().int(),
    count60d: z.number().int(),
    total: z.number().int(),
    blocked: z.number().int(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    archived: z.boolean(),
    properties: z.array(SchemaProperty),
  })
  .openapi("SchemaEvent");

const Schema = z
  .object({
    events: z.array(SchemaEvent),
    limits: z.object({
      eventsPerSource: z.number().int(),
      propertiesPerEvent: z.number().int(),
      eventsNotRecorded: z.number().int(),
      propertiesNotRecorded: z.number().int(),
    }),
  })
  .openapi("Schema");

export const SchemaBlocksBody = z
  .object({
    events: z.array(z.object({ type: z.enum(SCHEMA_TYPES), name: z.string() })),
    traits: z.array(z.object({ type: z.enum(["identify", "group"]), name: z.string() })),
  })
  .openapi("SchemaBlocks");

const changeEvent = z
  .object({
    type: z.enum(SCHEMA_TYPES, { error: `must be one of ${SCHEMA_TYPES.join(", ")}` }),
    name: z.string({ error: "must be the event's name as the schema shows it (`Page Viewed` for pages; empty for identify and group)" }).max(1000),
    archived: z.boolean({ error: "must be true (hide until seen again) or false (show)" }).optional(),
    blocked: z.boolean({ error: "must be true (drop these events: not archived, not delivered, counted) or false" }).optional(),
  })
  .refine((body) => body.archived !== undefined || body.blocked !== undefined, { error: "send archived and/or blocked" })
  .openapi("SchemaEventChange");

const changeTrait = z
  .object({
    type: z.enum(["identify", "group"], { error: "must be identify or group" }),
    name: z.string({ error: "must be the trait's name" }).min(1).max(1000),
    blocked: z.boolean({ error: "must be true (drop the trait from every call) or false" }),
  })
  .openapi("SchemaTraitChange");

const route = { tags: ["Schema"], security: ADMIN_SECURITY };
const sourceParam = idParam("source");

/**
 * `/api/v1/sources/:id/schema`: what a source sends (Segment's Schema tab). `?archived=true`
 * includes hidden events; `/schema/export?type=track|identify|group` is the CSV export.
 */
export const schemaApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/schema",
      summary: "A source's schema",
      description: "Events and their properties with types, counts and when they were seen, newest first.",
      request: {
        params: sourceParam,
        query: z.object({ archived: queryFlag("`true` includes archived (hidden) events.") }),
      },
      responses: { 200: json(Schema, "The source's schema."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      return c.json(await readSchema(c.env.DB, id, new Date(), { includeArchived: c.req.valid("query").archived }), 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "patch",
      path: "/{id}/schema/events",
      summary: "Archive or block an event",
      description: "Blocking needs no sighting: an event can be blocked before it is first sent.",
      request: { params: sourceParam, body: jsonBody(changeEvent) },
      responses: {
        200: json(
          z.object({ event: z.object({ type: z.enum(SCHEMA_TYPES), name: z.string(), archived: z.boolean().optional(), blocked: z.boolean().optional() }) }),
          "The change made.",
        ),
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const { type, name, archived, blocked } = c.req.valid("json");
      if (archived !== undefined && !(await archiveSchemaEvent(c.env.DB, id, type, name, archived))) {
        throw new ApiError(404, `The schema of source ${id} has no ${type} event ${JSON.stringify(name)}.`);
      }
      if (blocked !== undefined) await setSchemaEventBlocked(c.env.DB, id, { type, name }, blocked, new Date());
      return c.json({ event: { type, name, ...(archived === undefined ? {} : { archived }), ...(blocked === undefined ? {} : { blocked }) } }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "patch",
      path: "/{id}/schema/traits",
      summary: "Block or unblock a trait",
      request: { params: sourceParam, body: jsonBody(changeTrait) },
      responses: { 200: json(z.object({ trait: changeTrait }), "The change made."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const { type, name, blocked } = c.req.valid("json");
      await setSchemaTraitBlocked(c.env.DB, id, { type, name }, blocked, new Date());
      return c.json({ trait: { type, name, blocked } }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/schema/blocks",
      summary: "The events and traits a source blocks",
      request: { params: sourceParam },
      responses: { 200: json(z.object({ blocks: SchemaBlocksBody }), "Blocked events and traits."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      return c.json({ blocks: await new PlanStore(c.env.DB).schemaBlocks(id) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/schema/export",
      summary: "Export a source's schema as CSV",
      description: "Segment's Schema CSV export: one row per event and property.",
      request: {
        params: sourceParam,
        query: z.object({ type: queryChoice(SCHEMA_TYPES, "Which calls' schema: `track` (the default), `identify` or `group`.") }),
      },
      responses: { 200: { content: { "text/csv": { schema: z.string() } }, description: "The CSV file." }, ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const type = c.req.valid("query").type ?? "track";
      const { events } = await readSchema(c.env.DB, id, new Date(), { includeArchived: true });
      const day = new Date().toISOString().slice(0, 16).replace(":", "-");
      return c.body(schemaCsv(events, type), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${id}-${type}--${day}-utc.csv"`,
      });
    },
  );
