import type { HonoEnv } from "../env";
import { DestinationStore } from "../destinations/destination-store";
import { PlanStore } from "../protocols/plan-store";
import { SourceStore } from "../sources/source-store";
import { randomBase62 } from "../sources/source";
import { ReplayRegistry } from "./replay-registry";
import { replaySpec, type ReplayRequest } from "./replay-request";
import type { ReplayProgress } from "./replay-store";

type Bindings = Pick<HonoEnv["Bindings"], "DB" | "REPLAYS">;

export type StartReplayResult = { ok: true; replay: ReplayProgress } | { ok: false; status: 400 | 404; field?: string; message: string };

/**
 * What a replay request must hold beyond its schema: its source exists, and each destination
 * exists, is enabled and is connected to that source. Null when it does.
 */
export async function checkReplayRequest(db: D1Database, request: ReplayRequest): Promise<Extract<StartReplayResult, { ok: false }> | null> {
  if (!(await new SourceStore(db).get(request.sourceId)))
    return { ok: false, status: 404, field: "sourceId", message: `No source with id ${request.sourceId}.` };
  const store = new DestinationStore(db);
  for (const id of request.destinationIds) {
    const destination = await store.get(id);
    const problem = !destination
      ? `No destination with id ${id}.`
      : !destination.enabled
        ? `Destination ${id} is disabled: enable it before replaying into it.`
        : !destination.sourceIds.includes(request.sourceId)
          ? `Destination ${id} is not connected to source ${request.sourceId}: add the source to its sourceIds first.`
          : null;
    if (problem) return { ok: false, status: 400, field: "destinationIds", message: problem };
  }
  return null;
}

/**
 * Starts a replay (the admin API's `POST /replays` and the console's form): checks it, lists it
 * in D1, and starts its own Durable Object, answering its first progress.
 */
export async function startReplay(env: Bindings, request: ReplayRequest, now: Date): Promise<StartReplayResult> {
  const problem = await checkReplayRequest(env.DB, request);
  if (problem) return problem;
  const blocks = await new PlanStore(env.DB).schemaBlocks(request.sourceId);
  const spec = replaySpec(`rpl_${randomBase62(20)}`, request, blocks, now);
  const registry = new ReplayRegistry(env.DB);
  await registry.add(spec);
  const replay = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
  try {
    return { ok: true, replay: await replay.start(spec) };
  } catch (error) {
    // The answer may be what was lost: a replay that started stays listed; one that did not goes.
    const started = await replay.progress().catch(() => null);
    if (started) return { ok: true, replay: started };
    await registry.remove(spec.id);
    throw error;
  }
}

/** A listed replay's object, asked `ask`; null for a replay never started here. */
export async function askReplay(
  env: Bindings,
  id: string,
  ask: (replay: ReturnType<Bindings["REPLAYS"]["get"]>) => Promise<ReplayProgress | null>,
): Promise<ReplayProgress | null> {
  return (await new ReplayRegistry(env.DB).exists(id)) ? ask(env.REPLAYS.get(env.REPLAYS.idFromName(id))) : null;
}
