import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { DestinationStore } from "../destinations/destination-store";
import { ApiError } from "../http/api-error";
import { PlanStore } from "../protocols/plan-store";
import { ReplayRegistry } from "../replay/replay-registry";
import type { ReplayProgress } from "../replay/replay-store";
import { replayRequest, replaySpec } from "../replay/replay-request";
import { randomBase62 } from "../sources/source";
import { parseJson } from "./parse-json";
import { requireSource } from "./require-source";

/**
 * Replays (DESIGN.md): `POST /` starts one in its own Durable Object and answers at once;
 * `GET /:id` asks that object for its progress; `POST /:id/cancel` stops it; `GET /` lists the
 * newest from D1.
 */
export const replaysApi = new Hono<HonoEnv>()
  .post("/", async (c) => {
    const request = await parseJson(c.req.raw, replayRequest);
    await requireSource(c.env.DB, request.sourceId);
    const store = new DestinationStore(c.env.DB);
    for (const id of request.destinationIds) {
      const destination = await store.get(id);
      if (!destination) throw new ApiError(400, `No destination with id ${id}.`, "destinationIds");
      if (!destination.enabled) throw new ApiError(400, `Destination ${id} is disabled: enable it before replaying into it.`, "destinationIds");
      if (!destination.sourceIds.includes(request.sourceId)) {
        throw new ApiError(400, `Destination ${id} is not connected to source ${request.sourceId}: add the source to its sourceIds first.`, "destinationIds");
      }
    }
    const blocks = await new PlanStore(c.env.DB).schemaBlocks(request.sourceId);
    const spec = replaySpec(`rpl_${randomBase62(20)}`, request, blocks, new Date());
    const registry = new ReplayRegistry(c.env.DB);
    await registry.add(spec);
    const replay = c.env.REPLAYS.get(c.env.REPLAYS.idFromName(spec.id));
    try {
      return c.json({ replay: await replay.start(spec) }, 201);
    } catch (error) {
      // The answer may be what was lost: a replay that started stays listed; one that did not goes.
      const started = await replay.progress().catch(() => null);
      if (started) return c.json({ replay: started }, 201);
      await registry.remove(spec.id);
      throw error;
    }
  })
  .get("/", async (c) => c.json({ replays: await new ReplayRegistry(c.env.DB).list(100) }))
  .get("/:id", async (c) => c.json({ replay: await answered(c.req.param("id"), (replay) => replay.progress(), c.env) }))
  .post("/:id/cancel", async (c) => c.json({ replay: await answered(c.req.param("id"), (replay) => replay.cancel(), c.env) }));

/** Asks a listed replay's object; 404 for a replay never started here. */
async function answered(
  id: string,
  ask: (replay: ReturnType<HonoEnv["Bindings"]["REPLAYS"]["get"]>) => Promise<ReplayProgress | null>,
  env: HonoEnv["Bindings"],
): Promise<ReplayProgress> {
  const progress = (await new ReplayRegistry(env.DB).exists(id)) ? await ask(env.REPLAYS.get(env.REPLAYS.idFromName(id))) : null;
  if (!progress) throw new ApiError(404, `No replay with id ${id}.`);
  return progress;
}
