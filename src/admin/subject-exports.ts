import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { createSubjectExport } from "../privacy/create-subject-export";
import { subjectsSchema } from "../privacy/regulation";
import { streamExport } from "../privacy/subject-export-download";
import { EXPORT_STATUSES, SubjectExportStore } from "../privacy/subject-export-store";

const ExportBody = z
  .object({
    id: z.string(),
    subjectType: z.literal("USER_ID"),
    subjectIds: z.array(z.string()),
    covered: z
      .array(z.string())
      .openapi({ description: "Identifier keys (`type:value`) the userIds covered: their own and every identifier their profiles held." }),
    status: z.enum(EXPORT_STATUSES),
    progress: z.object({ objectsRead: z.number().int(), events: z.number().int(), profiles: z.number().int() }),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("SubjectExport", { description: "Status INITIALIZED → RUNNING → FINISHED; download once FINISHED." });

const route = { tags: ["Privacy"], security: ADMIN_SECURITY };
const exportAnswer = (description: string) => json(z.object({ export: ExportBody }), description);

/**
 * Subject access exports (GDPR art. 15, CCPA right to know): `POST /` starts one for up to 5,000
 * userIds, `GET /:id` shows its progress, `GET /:id/download` answers everything held about them.
 */
export const subjectExportsApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/",
      summary: "Export everything held about people, by userId",
      description:
        "Covers each userId's own key and every identifier its profile holds. A job reads the archive objects the person index names (never the whole archive) and the profiles; download the NDJSON once the export is FINISHED.",
      request: { body: jsonBody(subjectsSchema.openapi("SubjectExportRequest")) },
      responses: { 201: exportAnswer("The export, started."), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const created = await createSubjectExport(c.env, c.req.valid("json").subjectIds);
      if (!created.ok) throw new ApiError(created.status, created.message, created.field);
      return c.json({ export: created.export }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}",
      summary: "A subject export: its status and progress",
      request: { params: idParam("subject export") },
      responses: { 200: exportAnswer("The export."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const found = await new SubjectExportStore(c.env.DB).get(id);
      if (!found) throw new ApiError(404, `No subject export with id ${id}.`);
      return c.json({ export: found }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/download",
      summary: "A finished subject export as NDJSON",
      description:
        'One record a line: `{"record":"subject",…}` first, then `{"record":"event","sourceId","archiveKey","event"}` for every archived event of theirs, then `{"record":"profile",…}` with traits, identifiers, links, metadata and consent.',
      request: { params: idParam("subject export") },
      responses: {
        200: { content: { "application/x-ndjson": { schema: { type: "string", description: "One JSON record per line." } } }, description: "The export." },
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
        ...CONFLICT,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const found = await new SubjectExportStore(c.env.DB).get(id);
      if (!found) throw new ApiError(404, `No subject export with id ${id}.`);
      if (found.status !== "FINISHED") throw new ApiError(409, `Subject export ${id} is ${found.status}: download it once it is FINISHED.`);
      // As the archive export: the document describes the stream; the types take x-ndjson for JSON.
      return c.body(streamExport(c.env.ARCHIVE, found, new Date()), 200, {
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="${id}.ndjson"`,
      }) as never;
    },
  );
