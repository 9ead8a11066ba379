import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { queryText, queryWholeNumber } from "../http/query";
import { createRegulation } from "../privacy/create-regulation";
import { REGULATION_STATUSES, REGULATION_TYPES, regulationRequestSchema, type Regulation } from "../privacy/regulation";
import { RegulationStore } from "../privacy/regulation-store";

const counts = z.record(z.string(), z.number().int());
const StoreProgress = z
  .object({
    status: z.enum(["pending", "running", "done", "failed", "skipped"]),
    removed: counts,
    added: counts.optional(),
    error: z.string().optional(),
  })
  .openapi("RegulationStoreProgress");

const RegulationBody = z
  .object({
    id: z.string(),
    regulationType: z.enum(REGULATION_TYPES),
    subjectType: z.literal("USER_ID"),
    subjectIds: z.array(z.string()),
    covered: z.array(z.string()).openapi({
      description: "Identifier keys (`type:value`) the userIds covered when the regulation was created: their own and every identifier their profiles held.",
    }),
    status: z.enum(REGULATION_STATUSES),
    progress: z.object({
      stores: z.record(z.string(), StoreProgress).openapi({ description: "By store; `suppression` is applied before the creating request is answered." }),
      destinations: z.record(z.string(), StoreProgress),
      verification: z
        .object({
          objectsChecked: z.number().int(),
          eventsChecked: z.number().int(),
          occurrences: z.number().int(),
          profilesStillFound: z.number().int(),
          at: z.string(),
        })
        .optional(),
      warehouse: z.object({ requestedAt: z.string(), error: z.string().optional() }).optional().openapi({
        description:
          "When every synced source's warehouse sync was asked for, once Sluice's own stores were erased (a sync created since has read the erased archive), and which did not start.",
      }),
    }),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Regulation", {
    description: "Status INITIALIZED → RUNNING → FINISHED | FAILED | PARTIAL_SUCCESS; SUPPRESS_ONLY and UNSUPPRESS finish when they are created.",
  });

const RegulationSummary = z
  .object({
    id: z.string(),
    regulationType: z.enum(REGULATION_TYPES),
    subjectType: z.literal("USER_ID"),
    subjectCount: z.number().int(),
    status: z.enum(REGULATION_STATUSES),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("RegulationSummary");

const listQuery = z.object({
  limit: queryWholeNumber(100, 50),
  after: queryText("`next` of the previous page."),
});

const route = { tags: ["Privacy"], security: ADMIN_SECURITY };
const regulationAnswer = (description: string) => json(z.object({ regulation: RegulationBody }), description);

/** A page cursor: the last regulation's creation time and id (neither holds a `/`). */
const cursorOf = (regulation: Regulation) => `${regulation.createdAt}/${regulation.id}`;
function parseCursor(after: string | undefined): { before?: string; beforeId?: string } {
  if (after === undefined) return {};
  const slash = after.lastIndexOf("/");
  if (slash <= 0 || Number.isNaN(Date.parse(after.slice(0, slash)))) throw new ApiError(400, "after: send the `next` of the previous page", "after");
  return { before: after.slice(0, slash), beforeId: after.slice(slash + 1) };
}

/**
 * Regulations (Segment's Regulations API, by userId): `POST /` suppresses, unsuppresses or asks
 * for deletion of up to 5,000 userIds; `GET /` lists them newest first; `GET /:id` shows one.
 */
export const regulationsApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/",
      summary: "Suppress, unsuppress or delete people by userId",
      description:
        "Each userId covers its own key and every identifier its profile holds (anonymous ids, emails, device ids). Suppression applies before the answer: from then on the pipeline drops the events of covered people before the debugger, the archive, identity and destinations see them, and counts them. Types that delete go on as a job (status RUNNING).",
      request: { body: jsonBody(regulationRequestSchema.openapi("RegulationRequest")) },
      responses: { 201: regulationAnswer("The regulation, its suppression applied."), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const created = await createRegulation(c.env, c.req.valid("json"));
      if (!created.ok) throw new ApiError(created.status, created.message, created.field);
      return c.json({ regulation: created.regulation }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/",
      summary: "Regulations, newest first",
      request: { query: listQuery },
      responses: {
        200: json(z.object({ regulations: z.array(RegulationSummary), next: z.string().optional() }), "A page of regulations; `next` continues."),
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { limit, after } = c.req.valid("query");
      const { before, beforeId } = parseCursor(after);
      const page = await new RegulationStore(c.env.DB).list(limit + 1, before, beforeId);
      const shown = page.slice(0, limit);
      const regulations = shown.map(({ id, regulationType, subjectType, subjectIds, status, createdAt, updatedAt }) => ({
        id,
        regulationType,
        subjectType,
        subjectCount: subjectIds.length,
        status,
        createdAt,
        updatedAt,
      }));
      return c.json(page.length > limit ? { regulations, next: cursorOf(shown[shown.length - 1]!) } : { regulations }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}",
      summary: "A regulation: its userIds, what they covered, its status and progress",
      request: { params: idParam("regulation") },
      responses: { 200: regulationAnswer("The regulation."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const regulation = await new RegulationStore(c.env.DB).get(id);
      if (!regulation) throw new ApiError(404, `No regulation with id ${id}.`);
      return c.json({ regulation }, 200);
    },
  );
