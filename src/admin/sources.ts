import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { changeSource, RETENTION_RULE } from "../sources/change-source";
import { SourceStore } from "../sources/source-store";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, SCRIPT_ALIAS_PATTERN } from "../sources/source";

export const SourceBody = z
  .object({
    id: z.string(),
    name: z.string(),
    writeKey: z.string().openapi({ description: "Sends events to this source: HTTP Basic user name, or `writeKey` in the body." }),
    enabled: z.boolean(),
    scriptAlias: z.string().optional().openapi({ description: "analytics.js is also served at `/s/<scriptAlias>.js`." }),
    retentionDays: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Days archived events are kept; older hours are deleted hourly. Absent: the archive keeps everything." }),
  })
  .openapi("Source");

/** Whole days, or null for no limit (the archive keeps everything). */
const retentionDays = z
  .number({ error: `must be ${RETENTION_RULE}` })
  .int({ error: `must be ${RETENTION_RULE}` })
  .min(MIN_RETENTION_DAYS, { error: `must be ${RETENTION_RULE}` })
  .max(MAX_RETENTION_DAYS, { error: `must be ${RETENTION_RULE}` })
  .nullable()
  .optional()
  .openapi({
    description: `Days to keep archived events (${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}); hours older than that are deleted by the hourly retention sweep. null keeps everything.`,
  });

const createSource = z
  .object({
    name: z.string({ error: "name is required: a display name for the source" }).trim().min(1).max(200),
    retentionDays,
  })
  .openapi("SourceCreate");

const updateSource = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    scriptAlias: z
      .string()
      .regex(SCRIPT_ALIAS_PATTERN, {
        error: "must be 3 to 40 lower-case letters, digits or dashes (it becomes the path /s/<scriptAlias>.js); null removes it",
      })
      .nullable()
      .optional(),
    retentionDays,
  })
  .refine((body) => body.name !== undefined || body.enabled !== undefined || body.scriptAlias !== undefined || body.retentionDays !== undefined, {
    error: "send name, enabled, scriptAlias and/or retentionDays to change",
  })
  .openapi("SourceUpdate");

const route = { tags: ["Sources"], security: ADMIN_SECURITY };
const sourceAnswer = (description: string) => json(z.object({ source: SourceBody }), description);

/** `/api/v1/sources`: named as Segment's Public API names them. */
export const sourcesApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/",
      summary: "List sources",
      responses: { 200: json(z.object({ sources: z.array(SourceBody) }), "Every source, oldest first."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ sources: await new SourceStore(c.env.DB).list() }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/",
      summary: "Create a source",
      description: "A new source with a fresh write key, enabled.",
      request: { body: jsonBody(createSource) },
      responses: { 201: sourceAnswer("The new source."), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const { name, retentionDays } = c.req.valid("json");
      const source = await new SourceStore(c.env.DB).create(name, new Date(), { retentionDays });
      return c.json({ source }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}",
      summary: "Get a source",
      request: { params: idParam("source") },
      responses: { 200: sourceAnswer("The source."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const source = await new SourceStore(c.env.DB).get(id);
      if (!source) throw new ApiError(404, `No source with id ${id}.`);
      return c.json({ source }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "patch",
      path: "/{id}",
      summary: "Rename, enable or disable a source, or set its script alias or archive retention",
      request: { params: idParam("source"), body: jsonBody(updateSource) },
      responses: { 200: sourceAnswer("The source as changed."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const result = await changeSource(new SourceStore(c.env.DB), id, changes, new Date());
      if ("error" in result) {
        if (result.error === "not-found") throw new ApiError(404, `No source with id ${id}.`);
        if (result.error === "invalid-retention") throw new ApiError(400, result.message, "retentionDays");
        throw new ApiError(409, `scriptAlias ${changes.scriptAlias} is taken by another source: choose another.`, "scriptAlias");
      }
      const { source } = result;
      return c.json({ source }, 200);
    },
  );
