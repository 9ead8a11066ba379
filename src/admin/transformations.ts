import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, Deleted, NOT_FOUND, adminRouter, json, jsonBody } from "../http/openapi";
import { TransformationStore } from "../protocols/transformation-store";
import { transformationInput } from "../protocols/transformations";
import { requireSource } from "./require-source";

const Transformation = z
  .object({
    id: z.string(),
    sourceId: z.string(),
    eventType: z.enum(["track", "identify", "group"]),
    eventName: z.string().openapi({ description: "The track event it applies to; empty for identify and group." }),
    newEventName: z.string().nullable(),
    renames: z.array(z.object({ from: z.string(), to: z.string() })),
    enabled: z.boolean(),
  })
  .openapi("Transformation");

const input = transformationInput.openapi("TransformationInput");
const sourceParam = z.object({ id: z.string().min(1).openapi({ description: "The source's id." }) });
const transformationParams = sourceParam.extend({ tid: z.string().min(1).openapi({ description: "The transformation's id." }) });
const route = { tags: ["Transformations"], security: ADMIN_SECURITY };
const answer = (description: string) => json(z.object({ transformation: Transformation }), description);

const conflict = (eventType: string, eventName: string) =>
  new ApiError(409, `This source already transforms ${eventType} ${JSON.stringify(eventName)}: change that transformation instead.`);
const notFound = (id: string, tid: string) => new ApiError(404, `No transformation ${tid} on source ${id}.`);

/** `/api/v1/sources/:id/transformations`: source-scoped Protocols transformations. */
export const transformationsApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/transformations",
      summary: "A source's transformations",
      request: { params: sourceParam },
      responses: { 200: json(z.object({ transformations: z.array(Transformation) }), "The transformations."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      return c.json({ transformations: await new TransformationStore(c.env.DB).list(id) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/{id}/transformations",
      summary: "Rename a track event, or rename and move properties or traits",
      request: { params: sourceParam, body: jsonBody(input) },
      responses: { 201: answer("The new transformation."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const fields = c.req.valid("json");
      const created = await new TransformationStore(c.env.DB).create(id, fields, new Date());
      if (!created) throw conflict(fields.eventType, fields.eventName);
      return c.json({ transformation: created }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "put",
      path: "/{id}/transformations/{tid}",
      summary: "Replace a transformation",
      request: { params: transformationParams, body: jsonBody(input) },
      responses: { 200: answer("The transformation as replaced."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const { id, tid } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const fields = c.req.valid("json");
      let replaced;
      try {
        replaced = await new TransformationStore(c.env.DB).replace(id, tid, fields, new Date());
      } catch (error) {
        if (String(error).includes("UNIQUE")) throw conflict(fields.eventType, fields.eventName);
        throw error;
      }
      if (!replaced) throw notFound(id, tid);
      return c.json({ transformation: replaced }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "delete",
      path: "/{id}/transformations/{tid}",
      summary: "Delete a transformation",
      request: { params: transformationParams },
      responses: { 200: json(Deleted, "Deleted."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id, tid } = c.req.valid("param");
      if (!(await new TransformationStore(c.env.DB).delete(id, tid))) throw notFound(id, tid);
      return c.json({ deleted: true as const }, 200);
    },
  );
