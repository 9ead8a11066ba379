import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { deliverBatch, type AttemptRecord } from "../destinations/deliver";
import { readDeliveryMetrics } from "../destinations/delivery-stats";
import { DestinationStore, MAX_FILTERS_PER_DESTINATION, type Destination } from "../destinations/destination-store";
import { DESTINATION_TYPES } from "../destinations/types";
import { filterActionSchema } from "../filters/actions";
import { parseFql } from "../filters/fql";
import { SourceStore } from "../sources/source-store";
import { parseJson } from "./parse-json";

/** What the admin API shows for a secret setting; sending it back keeps the stored value. */
const MASK = "********";

const name = z.string({ error: "name is required" }).trim().min(1).max(200);
const sourceIds = z.array(z.string().min(1)).max(100);
const consentCategories = z.array(z.string().min(1).max(200)).max(50);

const createDestination = z.object({
  name,
  type: z.string({ error: `type is required: one of ${Object.keys(DESTINATION_TYPES).join(", ")}` }),
  enabled: z.boolean().default(true),
  sourceIds: sourceIds.default([]),
  settings: z.record(z.string(), z.unknown()).default({}),
  consentCategories: consentCategories.default([]),
});
const updateDestination = z.object({
  name: name.optional(),
  enabled: z.boolean().optional(),
  sourceIds: sourceIds.optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  consentCategories: consentCategories.optional(),
});
const createFilter = z.object({
  title: z.string({ error: "title is required" }).trim().min(1).max(200),
  if: z.string({ error: "if is required: an FQL condition, or `all`" }).min(1),
  actions: z.array(filterActionSchema).min(1, { error: "give at least one action" }).max(10),
  enabled: z.boolean().default(true),
});
const testEvent = z.object({ event: z.record(z.string(), z.unknown()).optional() });

function typeOf(type: string) {
  const found = DESTINATION_TYPES[type];
  if (!found) throw new ApiError(400, `type must be one of ${Object.keys(DESTINATION_TYPES).join(", ")}.`, "type");
  return found;
}

function validSettings(type: string, settings: Record<string, unknown>): Record<string, unknown> {
  const parsed = typeOf(type).settings.safeParse(settings);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  throw new ApiError(400, `settings.${issue.path.join(".")}: ${issue.message}`, `settings.${issue.path.join(".")}`);
}

function shown(destination: Destination): Destination {
  const settings = { ...destination.settings };
  for (const secret of typeOf(destination.type).secrets) if (settings[secret] !== undefined) settings[secret] = MASK;
  return { ...destination, settings };
}

async function requireSources(db: D1Database, ids: readonly string[]): Promise<void> {
  const store = new SourceStore(db);
  for (const id of ids) if (!(await store.get(id))) throw new ApiError(400, `sourceIds: no source with id ${id}.`, "sourceIds");
}

export async function requireDestination(db: D1Database, id: string): Promise<Destination> {
  const destination = await new DestinationStore(db).get(id);
  if (!destination) throw new ApiError(404, `No destination with id ${id}.`);
  return destination;
}

/** A sample event for the event tester when none is given. */
const sampleEvent = () => ({
  type: "track",
  event: "Sluice Test Event",
  userId: "test-user",
  messageId: `test-${crypto.randomUUID()}`,
  timestamp: new Date().toISOString(),
  properties: { source: "Sluice event tester" },
  context: { library: { name: "sluice-event-tester", version: "1" } },
});

/** `/api/v1/destinations`: destinations, their filters, delivery metrics and the event tester. */
export const destinationsApi = new Hono<HonoEnv>()
  .get("/", async (c) => c.json({ destinations: (await new DestinationStore(c.env.DB).list()).map(shown) }))
  .post("/", async (c) => {
    const body = await parseJson(c.req.raw, createDestination);
    const settings = validSettings(body.type, body.settings);
    await requireSources(c.env.DB, body.sourceIds);
    const destination = await new DestinationStore(c.env.DB).create({ ...body, settings }, new Date());
    return c.json({ destination: shown(destination) }, 201);
  })
  .get("/:id", async (c) => c.json({ destination: shown(await requireDestination(c.env.DB, c.req.param("id"))) }))
  .patch("/:id", async (c) => {
    const current = await requireDestination(c.env.DB, c.req.param("id"));
    const body = await parseJson(c.req.raw, updateDestination);
    if (body.sourceIds) await requireSources(c.env.DB, body.sourceIds);
    let settings = current.settings;
    if (body.settings) {
      const next = { ...body.settings };
      for (const secret of typeOf(current.type).secrets) if (next[secret] === MASK) next[secret] = current.settings[secret];
      settings = validSettings(current.type, next);
    }
    const updated: Destination = { ...current, ...body, settings };
    await new DestinationStore(c.env.DB).update(updated, new Date());
    return c.json({ destination: shown(updated) });
  })
  .delete("/:id", async (c) => {
    if (!(await new DestinationStore(c.env.DB).delete(c.req.param("id")))) throw new ApiError(404, `No destination with id ${c.req.param("id")}.`);
    return c.json({ deleted: true });
  })
  .get("/:id/filters", async (c) => {
    await requireDestination(c.env.DB, c.req.param("id"));
    return c.json({ filters: await new DestinationStore(c.env.DB).filters(c.req.param("id")) });
  })
  .post("/:id/filters", async (c) => {
    const destination = await requireDestination(c.env.DB, c.req.param("id"));
    const body = await parseJson(c.req.raw, createFilter);
    if (body.if.trim() !== "all") {
      const parsed = parseFql(body.if);
      if (!parsed.ok) throw new ApiError(400, `if: ${parsed.error}`, "if");
    }
    const filter = await new DestinationStore(c.env.DB).addFilter(destination.id, body, new Date());
    if (!filter) throw new ApiError(409, `A destination has at most ${MAX_FILTERS_PER_DESTINATION} filters: delete one first.`);
    return c.json({ filter }, 201);
  })
  .delete("/:id/filters/:filterId", async (c) => {
    if (!(await new DestinationStore(c.env.DB).deleteFilter(c.req.param("id"), c.req.param("filterId")))) {
      throw new ApiError(404, `No filter ${c.req.param("filterId")} on destination ${c.req.param("id")}.`);
    }
    return c.json({ deleted: true });
  })
  .get("/:id/delivery", async (c) => {
    const destination = await requireDestination(c.env.DB, c.req.param("id"));
    return c.json(await readDeliveryMetrics(c.env.DB, destination.id, new Date()));
  })
  .post("/:id/test", async (c) => {
    const destination = await requireDestination(c.env.DB, c.req.param("id"));
    const { event } = await parseJson(c.req.raw, testEvent);
    const attempts: AttemptRecord[] = [];
    const [result] = await deliverBatch(typeOf(destination.type), destination.settings, [event ?? sampleEvent()], fetch, (attempt) => attempts.push(attempt));
    const masked = attempts.map((attempt) => ({ ...attempt, request: { ...attempt.request, headers: maskHeaders(attempt.request.headers) } }));
    return c.json({ outcome: result?.outcome ?? null, attempts: masked });
  });

/** The event tester shows the request as sent, except credentials. */
function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, key.toLowerCase() === "authorization" ? MASK : value]));
}
