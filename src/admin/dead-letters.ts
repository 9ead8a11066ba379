import { Hono } from "hono";
import { z } from "zod";
import { DeliveryDeadLetters, MAX_LISTED } from "../destinations/dead-letters";
import { deliveriesMessages } from "../destinations/route-deliveries";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { sendMessages } from "../queues/send-messages";
import { requireDestination } from "./destinations";
import { parseJson } from "./parse-json";

/** Records one re-drive call moves at most; `remaining` says to call again. */
const MAX_REDRIVEN = 500;

const redriveRequest = z.object({
  ids: z.array(z.string().min(1)).min(1).max(MAX_REDRIVEN, { error: `at most ${MAX_REDRIVEN} ids per call` }).optional(),
});

/**
 * A destination's dead letters (`/destinations/:id/dead-letters`): what it refused or never
 * took in 4 hours of retries, from live delivery and from replays. Re-drive queues them again as
 * first attempts (DELIVERIES), then removes them: a crash in between, or two re-drives at once,
 * can send a dead letter twice, never lose one.
 */
export const deadLettersApi = new Hono<HonoEnv>()
  .get("/:id/dead-letters", async (c) => {
    const destination = await requireDestination(c.env.DB, c.req.param("id"));
    const limit = Number(c.req.query("limit") ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LISTED) throw new ApiError(400, `limit must be a whole number from 1 to ${MAX_LISTED}.`, "limit");
    const page = await new DeliveryDeadLetters(c.env.ARCHIVE).list(destination.id, limit, c.req.query("after"));
    return c.json(page);
  })
  .post("/:id/dead-letters/redrive", async (c) => {
    const destination = await requireDestination(c.env.DB, c.req.param("id"));
    if (!destination.enabled) throw new ApiError(409, `Destination ${destination.id} is disabled: enable it before re-driving its dead letters.`);
    const { ids: named } = await parseJson(c.req.raw, redriveRequest);
    const ids = named && [...new Set(named)];
    const store = new DeliveryDeadLetters(c.env.ARCHIVE);
    for (const id of ids ?? []) {
      if (!(await store.belongsTo(id, destination.id))) throw new ApiError(400, `${id} is not one of destination ${destination.id}'s dead letters.`, "ids");
    }
    const keys = ids ?? (await store.keys(destination.id, MAX_REDRIVEN + 1));
    const chosen = keys.slice(0, MAX_REDRIVEN);
    const records = (await Promise.all(chosen.map((key) => store.read(key)))).filter((record) => record !== null);
    const events = records.flatMap((record) => record.events);
    await sendMessages(c.env.DELIVERIES, deliveriesMessages(destination.id, events, new Date()));
    await store.remove(records.map((record) => record.id));
    return c.json({ redriven: { deadLetters: records.length, events: events.length }, remaining: keys.length > MAX_REDRIVEN });
  });
