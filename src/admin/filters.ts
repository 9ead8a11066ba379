import { createRoute, z } from "@hono/zod-openapi";
import { filterActionSchema } from "../filters/actions";
import { applyFilter, compileFilter } from "../filters/apply-filter";
import { fqlCondition } from "../filters/fql-condition";
import { ADMIN_ERRORS, ADMIN_SECURITY, adminRouter, json, jsonBody } from "../http/openapi";

const event = z.record(z.string(), z.unknown(), { error: 'must be an event object, like {"type":"track","event":"Order Completed"}' });

const previewRequest = z
  .object({
    if: fqlCondition.openapi({ description: "An FQL condition, or `all`." }),
    actions: z.array(filterActionSchema).max(10).default([]).openapi({ description: "Applied in order when `if` holds." }),
    event: event.openapi({ description: "The event to try the filter on." }),
  })
  .openapi("FilterPreviewRequest");

const previewAnswer = z
  .object({
    matched: z.boolean().openapi({ description: "Whether `if` holds for the event (false when it cannot be evaluated)." }),
    event: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The event after the actions; null when dropped." }),
  })
  .openapi("FilterPreview");

/**
 * `POST /api/v1/filters/preview`: what a destination filter does to one event, through the same
 * compile and apply steps as live delivery (an event the condition cannot evaluate is dropped,
 * fail-closed, as there).
 */
export const filtersApi = adminRouter().openapi(
  createRoute({
    tags: ["Filters"],
    security: ADMIN_SECURITY,
    method: "post",
    path: "/preview",
    summary: "Try a filter on an event",
    request: { body: jsonBody(previewRequest) },
    responses: { 200: json(previewAnswer, "Whether it matched, and the event it leaves."), ...ADMIN_ERRORS },
  }),
  async (c) => {
    const request = c.req.valid("json");
    const outcome = await applyFilter(compileFilter(request), request.event);
    return c.json({ matched: outcome.matched === true, event: outcome.event }, 200);
  },
);
