import { outboundFetch } from "../destinations/outbound";
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, Deleted, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { changeDestination, DESTINATION_LIMITS } from "../destinations/change-destination";
import { readDeliveryMetrics } from "../destinations/delivery-stats";
import { DestinationStore, type Destination } from "../destinations/destination-store";
import { checkDestinationSettings, DESTINATION_TYPE_NAMES, MASK, withMaskedSecrets } from "../destinations/destination-settings";
import { sampleEvent, testDestination } from "../destinations/event-tester";
import { destinationContext } from "../destinations/destination-context";
import { previewDestination } from "../destinations/preview";
import { sealSettings, settingsSecrets } from "../destinations/sealed-settings";
import { destinationType } from "../destinations/types";
import { SourceStore } from "../sources/source-store";

const TYPE_NAMES = DESTINATION_TYPE_NAMES;
const name = z.string({ error: "name is required" }).trim().min(1).max(DESTINATION_LIMITS.name);
const sourceIds = z.array(z.string().min(1)).max(DESTINATION_LIMITS.sources).openapi({ description: "Sources whose events it receives." });
const consentCategories = z
  .array(z.string().min(1).max(DESTINATION_LIMITS.consentCategory))
  .max(DESTINATION_LIMITS.consentCategories)
  .openapi({ description: "Consent categories an event must have granted (context.consent.categoryPreferences) to reach it." });
const settings = z.record(z.string(), z.unknown()).openapi({
  description:
    "The type's settings: webhook `{url, sharedSecret?, headers?, batch?}`; segment `{writeKey, apiHost?}`; `actions:<slug>` the destination's own settings fields (GET /api/v1/catalog/destinations), plus `oauth` `{access_token, refresh_token, clientId?, clientSecret?, refresh_token_url?}` for OAuth destinations.",
});
const Subscription = z
  .object({
    name: z.string().optional(),
    subscribe: z.string().openapi({ description: 'Segment\'s FQL condition, such as `type = "track" and event = "Order Completed"`.' }),
    partnerAction: z.string().openapi({ description: "The action's key in the catalog." }),
    mapping: z.record(z.string(), z.unknown()).optional().openapi({ description: "Segment's mapping-kit directives per action field." }),
    enabled: z.boolean().optional(),
  })
  .openapi("Subscription");
const subscriptions = z
  .array(Subscription)
  .openapi({ description: "An `actions:<slug>` destination's mappings; its automatic presets when left out at creation." });

const createDestination = z
  .object({
    name,
    type: z.string({ error: `type is required: one of ${TYPE_NAMES}` }).openapi({ description: `One of ${TYPE_NAMES}.` }),
    enabled: z.boolean().default(true),
    sourceIds: sourceIds.default([]),
    settings: settings.default({}),
    subscriptions: subscriptions.optional(),
    consentCategories: consentCategories.default([]),
  })
  .openapi("DestinationCreate");
const updateDestination = z
  .object({
    name: name.optional(),
    enabled: z.boolean().optional(),
    sourceIds: sourceIds.optional(),
    settings: settings.optional(),
    subscriptions: subscriptions.optional(),
    consentCategories: consentCategories.optional(),
  })
  .openapi("DestinationUpdate");
const testEvent = z
  .object({ event: z.record(z.string(), z.unknown()).optional().openapi({ description: "The event to send; a sample track call when left out." }) })
  .openapi("EventTest");

export const DestinationBody = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    enabled: z.boolean(),
    sourceIds: z.array(z.string()),
    settings: z.record(z.string(), z.unknown()).openapi({ description: `Secret settings show as ${MASK}; sending ${MASK} back keeps the stored value.` }),
    subscriptions: z.array(Subscription).optional().openapi({ description: "An `actions:<slug>` destination's mappings." }),
    consentCategories: z.array(z.string()),
  })
  .openapi("Destination");
const DeliveryMetrics = z
  .object({
    delivered: z.number().int(),
    failed: z.number().int(),
    retrying: z.number().int().openapi({ description: "Events waiting for a retry now." }),
    retriesScheduled: z.number().int(),
    discarded: z.number().int(),
    discardedByReason: z.record(z.string(), z.number().int()),
    p95LatencyMs: z.number().nullable(),
  })
  .openapi("DeliveryMetrics");
const Outcome = z
  .object({ kind: z.enum(["delivered", "retry", "failed"]), reason: z.string().optional() })
  .loose()
  .openapi("DeliveryOutcome");
const Attempt = z
  .object({
    request: z.object({ url: z.string(), method: z.string(), headers: z.record(z.string(), z.string()), body: z.string() }),
    response: z.union([z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string() }), z.object({ error: z.string() })]),
    durationMs: z.number(),
  })
  .openapi("DeliveryAttempt");

/** A destination as the API shows it: secrets masked, an Actions destination's subscriptions beside its settings. */
function destinationBody(destination: Destination): z.infer<typeof DestinationBody> {
  const { subscriptions, ...settings } = withMaskedSecrets(destination).settings;
  return { ...destination, settings, ...(subscriptions === undefined ? {} : { subscriptions: subscriptions as z.infer<typeof Subscription>[] }) };
}

/** New settings for an Actions destination keep its subscriptions unless they are given too. */
function keepSubscriptions(current: Destination, given: Record<string, unknown>): Record<string, unknown> {
  return current.settings.subscriptions === undefined || given.subscriptions !== undefined
    ? given
    : { ...given, subscriptions: current.settings.subscriptions };
}

const SubscriptionPreview = z
  .object({
    name: z.string(),
    partnerAction: z.string().nullable(),
    subscribe: z.string().nullable(),
    matched: z.boolean(),
    requests: z.array(z.object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()), body: z.string() })),
    error: z.string().nullable(),
  })
  .openapi("SubscriptionPreview");

function validSettings(type: string, given: Record<string, unknown>): Record<string, unknown> {
  const checked = checkDestinationSettings(type, given);
  if (checked.ok) return checked.settings;
  throw new ApiError(400, checked.message, checked.field);
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

const route = { tags: ["Destinations"], security: ADMIN_SECURITY };
const destinationParam = idParam("destination");
const destinationAnswer = (description: string) => json(z.object({ destination: DestinationBody }), description);

/** `/api/v1/destinations`: destinations, their delivery metrics and the event tester (filters: destination-filters.ts). */
export const destinationsApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/",
      summary: "List destinations",
      responses: { 200: json(z.object({ destinations: z.array(DestinationBody) }), "Every destination."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ destinations: (await new DestinationStore(c.env.DB).list()).map(destinationBody) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/",
      summary: "Create a destination",
      description: "Settings are checked against the type's own schema when saved.",
      request: { body: jsonBody(createDestination) },
      responses: { 201: destinationAnswer("The new destination."), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const { subscriptions, ...body } = c.req.valid("json");
      const checked = validSettings(body.type, subscriptions ? { ...body.settings, subscriptions } : body.settings);
      const sealed = await sealSettings(body.type, checked, settingsSecrets(c.env));
      if (!sealed.ok) throw new ApiError(400, sealed.message, sealed.field);
      await requireSources(c.env.DB, body.sourceIds);
      const destination = await new DestinationStore(c.env.DB).create({ ...body, settings: sealed.settings }, new Date());
      return c.json({ destination: destinationBody(destination) }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}",
      summary: "Get a destination",
      request: { params: destinationParam },
      responses: { 200: destinationAnswer("The destination."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => c.json({ destination: destinationBody(await requireDestination(c.env.DB, c.req.valid("param").id)) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "patch",
      path: "/{id}",
      summary: "Change a destination",
      request: { params: destinationParam, body: jsonBody(updateDestination) },
      responses: { 200: destinationAnswer("The destination as changed."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const current = await requireDestination(c.env.DB, c.req.valid("param").id);
      const { subscriptions, ...changes } = c.req.valid("json");
      const settings = subscriptions
        ? { ...(changes.settings ?? current.settings), subscriptions }
        : changes.settings && keepSubscriptions(current, changes.settings);
      const changed = await changeDestination(c.env.DB, current, { ...changes, ...(settings ? { settings } : {}) }, new Date(), settingsSecrets(c.env));
      if (!changed.ok) throw new ApiError(400, changed.message, changed.field);
      return c.json({ destination: destinationBody(changed.destination) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "delete",
      path: "/{id}",
      summary: "Delete a destination",
      request: { params: destinationParam },
      responses: { 200: json(Deleted, "Deleted."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await new DestinationStore(c.env.DB).delete(id))) throw new ApiError(404, `No destination with id ${id}.`);
      return c.json({ deleted: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/delivery",
      summary: "Delivery metrics of the last 24 hours",
      request: { params: destinationParam },
      responses: { 200: json(DeliveryMetrics, "Counts by outcome and the p95 latency."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const destination = await requireDestination(c.env.DB, c.req.valid("param").id);
      return c.json(await readDeliveryMetrics(c.env.DB, destination.id, new Date()), 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/{id}/test",
      summary: "Send one event to the destination now (the event tester)",
      description: "Shows each request as sent (credentials masked) and the destination's answer. Filters and consent do not apply.",
      request: { params: destinationParam, body: jsonBody(testEvent) },
      responses: {
        200: json(z.object({ outcome: Outcome.nullable(), attempts: z.array(Attempt) }), "What was sent and answered."),
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
      },
    }),
    async (c) => {
      const destination = await requireDestination(c.env.DB, c.req.valid("param").id);
      const { event } = c.req.valid("json");
      return c.json(await testDestination(destination, event ?? sampleEvent(), outboundFetch(c.env), destinationContext(c.env, destination.id)), 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/{id}/preview",
      summary: "The requests each subscription would send for an event, without sending",
      description:
        "Runs every subscription (an Actions destination's mappings; a built-in type's one) on the event against a stand-in that answers `{}`: the exact requests, secrets masked. Filters and consent do not apply.",
      request: { params: destinationParam, body: jsonBody(testEvent) },
      responses: {
        200: json(z.object({ subscriptions: z.array(SubscriptionPreview) }), "Per subscription: matched, its requests, or why it would not send."),
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
      },
    }),
    async (c) => {
      const destination = await requireDestination(c.env.DB, c.req.valid("param").id);
      const type = destinationType(destination.type);
      if (!type) throw new ApiError(400, `destination ${destination.id} has unknown type ${destination.type}`);
      const { event } = c.req.valid("json");
      return c.json({ subscriptions: await previewDestination(type, destination, event ?? sampleEvent(), destinationContext(c.env, destination.id)) }, 200);
    },
  );
