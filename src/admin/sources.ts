import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { changeSource } from "../sources/change-source";
import { SourceStore } from "../sources/source-store";
import { SCRIPT_ALIAS_PATTERN } from "../sources/source";

export const SourceBody = z
  .object({
    id: z.string(),
    name: z.string(),
    writeKey: z.string().openapi({ description: "Sends events to this source: HTTP Basic user name, or `writeKey` in the body." }),
    enabled: z.boolean(),
    scriptAlias: z.string().optional().openapi({ description: "analytics.js is also served at `/s/<scriptAlias>.js`." }),
  })
  .openapi("Source");

const createSource = z
  .object({
    name: z.string({ error: "name is required: a display name for the source" }).trim().min(1).max(200),
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
  })
  .refine((body) => body.name !== undefined || body.enabled !== undefined || body.scriptAlias !== undefined, {
    error: "send name, enabled and/or scriptAlias to change",
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
      const { name } = c.req.valid("json");
      const source = await new SourceStore(c.env.DB).create(name, new Date());
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
      summary: "Rename, enable or disable a source, or set its script alias",
      request: { params: idParam("source"), body: jsonBody(updateSource) },
      responses: { 200: sourceAnswer("The source as changed."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const result = await changeSource(new SourceStore(c.env.DB), id, changes, new Date());
      if ("error" in result) {
        if (result.error === "not-found") throw new ApiError(404, `No source with id ${id}.`);
        throw new ApiError(409, `scriptAlias ${changes.scriptAlias} is taken by another source: choose another.`, "scriptAlias");
      }
      const { source } = result;
      return c.json({ source }, 200);
    },
  );
