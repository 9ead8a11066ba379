import { createRoute, z } from "@hono/zod-openapi";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { ReplayRegistry } from "../replay/replay-registry";
import type { ReplayProgress } from "../replay/replay-store";
import { replayRequest } from "../replay/replay-request";
import { askReplay, startReplay } from "../replay/start-replay";

const STATUS = z.enum(["running", "finished", "failed"]);
const counts = { total: z.number().int(), sent: z.number().int(), discarded: z.number().int(), failed: z.number().int() };

const Replay = z
  .object({
    id: z.string(),
    status: STATUS,
    phase: z.enum(["listing", "counting", "sending", "finished", "failed"]),
    sourceId: z.string(),
    from: z.string(),
    to: z.string(),
    ...counts,
    error: z.string().optional(),
    destinations: z.array(z.object({ destinationId: z.string(), status: STATUS, ...counts, error: z.string().optional() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Replay", { description: "`total` counts the selected events once per destination; at the end sent + discarded + failed = total." });

const ReplaySummary = z
  .object({
    id: z.string(),
    sourceId: z.string(),
    destinationIds: z.array(z.string()),
    from: z.string(),
    to: z.string(),
    status: STATUS,
    sent: z.number().int(),
    total: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ReplaySummary");

const route = { tags: ["Replays"], security: ADMIN_SECURITY };
const replayAnswer = (description: string) => json(z.object({ replay: Replay }), description);

/**
 * Replays (DESIGN.md): `POST /` starts one in its own Durable Object and answers at once;
 * `GET /:id` asks that object for its progress; `POST /:id/cancel` stops it; `GET /` lists the
 * newest from D1.
 */
export const replaysApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/",
      summary: "Replay archived events to destinations",
      description: "Events received in [from, to), in timestamp order, through each destination's consent, integrations and filters.",
      request: { body: jsonBody(replayRequest.openapi("ReplayRequest")) },
      responses: { 201: replayAnswer("The replay, started."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const started = await startReplay(c.env, c.req.valid("json"), new Date());
      if (!started.ok) throw new ApiError(started.status, started.message, started.status === 404 ? undefined : started.field);
      return c.json({ replay: started.replay }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/",
      summary: "The newest replays (100)",
      responses: { 200: json(z.object({ replays: z.array(ReplaySummary) }), "Replays, newest first."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ replays: await new ReplayRegistry(c.env.DB).list(100) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}",
      summary: "A replay's progress",
      request: { params: idParam("replay") },
      responses: { 200: replayAnswer("Its progress."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => c.json({ replay: await answered(c.req.valid("param").id, (replay) => replay.progress(), c.env) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/{id}/cancel",
      summary: "Stop a replay",
      request: { params: idParam("replay") },
      responses: { 200: replayAnswer("Its progress, stopped."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => c.json({ replay: await answered(c.req.valid("param").id, (replay) => replay.cancel(), c.env) }, 200),
  );

/** Asks a listed replay's object; 404 for a replay never started here. */
async function answered(
  id: string,
  ask: (replay: ReturnType<HonoEnv["Bindings"]["REPLAYS"]["get"]>) => Promise<ReplayProgress | null>,
  env: HonoEnv["Bindings"],
): Promise<ReplayProgress> {
  const progress = await askReplay(env, id, ask);
  if (!progress) throw new ApiError(404, `No replay with id ${id}.`);
  return progress;
}
