import { createRoute, z } from "@hono/zod-openapi";
import { DestinationStore, MAX_FILTERS_PER_DESTINATION } from "../destinations/destination-store";
import { filterActionSchema } from "../filters/actions";
import { fqlCondition } from "../filters/fql-condition";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, Deleted, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { requireDestination } from "./destinations";

const createFilter = z
  .object({
    title: z.string({ error: "title is required" }).trim().min(1).max(200),
    if: fqlCondition.openapi({ description: "An FQL condition, or `all` for every event." }),
    actions: z.array(filterActionSchema).min(1, { error: "give at least one action" }).max(10),
    enabled: z.boolean().default(true),
  })
  .openapi("DestinationFilterCreate");

const Filter = z
  .object({ id: z.string(), destinationId: z.string(), title: z.string(), if: z.string(), actions: z.array(filterActionSchema), enabled: z.boolean() })
  .openapi("DestinationFilter");

const route = { tags: ["Filters"], security: ADMIN_SECURITY };
const destinationParam = idParam("destination");

/** `/api/v1/destinations/:id/filters`: Segment's destination filters, applied in order. */
export const destinationFiltersApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/filters",
      summary: "A destination's filters, in the order they apply",
      request: { params: destinationParam },
      responses: { 200: json(z.object({ filters: z.array(Filter) }), "The filters."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireDestination(c.env.DB, id);
      return c.json({ filters: await new DestinationStore(c.env.DB).filters(id) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/{id}/filters",
      summary: "Add a filter to a destination",
      description: `Segment's destination filters: when \`if\` holds, the actions apply. At most ${MAX_FILTERS_PER_DESTINATION} per destination.`,
      request: { params: destinationParam, body: jsonBody(createFilter) },
      responses: { 201: json(z.object({ filter: Filter }), "The new filter."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const destination = await requireDestination(c.env.DB, c.req.valid("param").id);
      const filter = await new DestinationStore(c.env.DB).addFilter(destination.id, c.req.valid("json"), new Date());
      if (!filter) throw new ApiError(409, `A destination has at most ${MAX_FILTERS_PER_DESTINATION} filters: delete one first.`);
      return c.json({ filter }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "delete",
      path: "/{id}/filters/{filterId}",
      summary: "Delete a filter",
      request: { params: destinationParam.extend({ filterId: z.string().min(1).openapi({ description: "The filter's id." }) }) },
      responses: { 200: json(Deleted, "Deleted."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id, filterId } = c.req.valid("param");
      if (!(await new DestinationStore(c.env.DB).deleteFilter(id, filterId))) throw new ApiError(404, `No filter ${filterId} on destination ${id}.`);
      return c.json({ deleted: true as const }, 200);
    },
  );
