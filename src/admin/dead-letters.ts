import { createRoute, z } from "@hono/zod-openapi";
import { DeliveryDeadLetters, MAX_LISTED } from "../destinations/dead-letters";
import { MAX_REDRIVEN, redriveDeadLetters } from "../destinations/redrive-dead-letters";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { queryText, queryWholeNumber } from "../http/query";
import { requireDestination } from "./destinations";

const redriveRequest = z
  .object({
    ids: z
      .array(z.string().min(1))
      .min(1)
      .max(MAX_REDRIVEN, { error: `at most ${MAX_REDRIVEN} ids per call` })
      .optional()
      .openapi({ description: `Dead letters to re-drive; all of them (${MAX_REDRIVEN} per call) when left out.` }),
  })
  .openapi("DeadLetterRedrive");

const DeadLetter = z
  .object({
    id: z.string().openapi({ description: "Its R2 key: what re-drive takes to name it." }),
    reason: z.string(),
    deadLetteredAt: z.string(),
    from: z.string().openapi({ description: "The deliveries queue, or `replay:<id>`." }),
    events: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi("DeadLetter");

const listQuery = z.object({
  limit: queryWholeNumber(MAX_LISTED, 50),
  after: queryText("`next` of the previous page."),
});

const route = { tags: ["Dead letters"], security: ADMIN_SECURITY };

/**
 * A destination's dead letters (`/destinations/:id/dead-letters`): what it refused or never
 * took in 4 hours of retries, from live delivery and from replays. Re-drive queues them again as
 * first attempts (DELIVERIES), then removes them: a crash in between, or two re-drives at once,
 * can send a dead letter twice, never lose one.
 */
export const deadLettersApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/dead-letters",
      summary: "A destination's dead letters, oldest first",
      request: { params: idParam("destination"), query: listQuery },
      responses: {
        200: json(z.object({ deadLetters: z.array(DeadLetter), next: z.string().optional() }), "A page of dead letters; `next` continues."),
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
      },
    }),
    async (c) => {
      const destination = await requireDestination(c.env.DB, c.req.valid("param").id);
      const { limit, after } = c.req.valid("query");
      return c.json(await new DeliveryDeadLetters(c.env.ARCHIVE).list(destination.id, limit, after), 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/{id}/dead-letters/redrive",
      summary: "Send dead letters again",
      description: "Queues them again as first attempts, then removes them.",
      request: { params: idParam("destination"), body: jsonBody(redriveRequest) },
      responses: {
        200: json(
          z.object({ redriven: z.object({ deadLetters: z.number().int(), events: z.number().int() }), remaining: z.boolean() }),
          "What was queued again; `remaining` says to call again.",
        ),
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
        ...CONFLICT,
      },
    }),
    async (c) => {
      const destination = await requireDestination(c.env.DB, c.req.valid("param").id);
      const result = await redriveDeadLetters(c.env, destination, c.req.valid("json").ids, new Date());
      if (!result.ok) throw new ApiError(result.status, result.message, result.field);
      return c.json({ redriven: result.redriven, remaining: result.remaining }, 200);
    },
  );
