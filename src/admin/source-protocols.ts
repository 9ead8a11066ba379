import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { PlanStore } from "../protocols/plan-store";
import { applySettingsPatch, schemaSettingsPatch } from "../protocols/schema-settings";
import { listProtocolViolations } from "../protocols/violation-store";
import { SourceStore } from "../sources/source-store";
import { requireSource } from "./require-source";

const connectPlan = z
  .object({
    trackingPlanId: z.string({ error: "trackingPlanId is required: a plan id, or null to disconnect" }).min(1).nullable(),
  })
  .openapi("TrackingPlanConnection");

const traitSettings = (omit: string) =>
  z.object({ allowUnplannedTraits: z.boolean(), allowTraitsOnViolations: z.boolean(), commonEventOnViolations: z.enum(["ALLOW", "BLOCK", omit]) });

const SchemaSettingsBody = z
  .object({
    track: z.object({
      allowUnplannedEvents: z.boolean(),
      allowUnplannedEventProperties: z.boolean(),
      allowEventOnViolations: z.boolean(),
      allowPropertiesOnViolations: z.boolean(),
      commonEventOnViolations: z.enum(["ALLOW", "BLOCK", "OMIT_PROPERTIES"]),
    }),
    identify: traitSettings("OMIT_TRAITS"),
    group: traitSettings("OMIT_TRAITS"),
    forwardingViolationsTo: z.string().nullable().openapi({ description: "Source that gets a `Violation Generated` track call per violation." }),
    forwardingBlockedEventsTo: z.string().nullable().openapi({ description: "Source that gets every blocked event." }),
  })
  .openapi("SchemaSettings");

const Violation = z
  .object({
    eventName: z.string(),
    eventType: z.string(),
    type: z.string().openapi({ description: "Required, Invalid Type, Invalid Value, Unplanned Property or Unplanned Event." }),
    field: z.string(),
    description: z.string(),
    count: z.number().int(),
    lastSeen: z.string(),
  })
  .openapi("Violation");

const route = { tags: ["Protocols"], security: ADMIN_SECURITY };
const sourceParam = idParam("source");
const settingsAnswer = json(z.object({ settings: SchemaSettingsBody }), "The source's schema settings.");

/** `/api/v1/sources/:id/{tracking-plan,settings,violations}`: a source's Protocols. */
export const sourceProtocolsApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "put",
      path: "/{id}/tracking-plan",
      summary: "Connect a tracking plan to a source (null disconnects)",
      request: { params: sourceParam, body: jsonBody(connectPlan) },
      responses: { 200: json(z.object({ sourceId: z.string(), trackingPlanId: z.string().nullable() }), "The connection."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const { trackingPlanId } = c.req.valid("json");
      const store = new PlanStore(c.env.DB);
      if (trackingPlanId && !(await store.get(trackingPlanId))) throw new ApiError(404, `No tracking plan with id ${trackingPlanId}.`, "trackingPlanId");
      await store.connect(id, trackingPlanId, new Date());
      return c.json({ sourceId: id, trackingPlanId }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/settings",
      summary: "A source's schema settings",
      request: { params: sourceParam },
      responses: { 200: settingsAnswer, ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      return c.json({ settings: (await new PlanStore(c.env.DB).sourceProtocols(id)).settings }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "patch",
      path: "/{id}/settings",
      summary: "Change a source's schema settings",
      description: "Segment's schema settings: fields left out keep their value; enum values are taken in any case.",
      request: { params: sourceParam, body: jsonBody(schemaSettingsPatch.openapi("SchemaSettingsPatch")) },
      responses: { 200: settingsAnswer, ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      const patch = c.req.valid("json");
      for (const field of ["forwardingViolationsTo", "forwardingBlockedEventsTo"] as const) {
        const target = patch[field];
        if (target === id) throw new ApiError(400, `${field} must be another source: forwarding to itself would loop.`, field);
        if (target && !(await new SourceStore(c.env.DB).get(target))) throw new ApiError(400, `${field}: no source with id ${target}.`, field);
      }
      const store = new PlanStore(c.env.DB);
      const settings = applySettingsPatch((await store.sourceProtocols(id)).settings, patch);
      await store.saveSettings(id, settings, new Date());
      return c.json({ settings }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/violations",
      summary: "A source's tracking plan violations",
      description: "Counted per event, field and violation type, newest first.",
      request: { params: sourceParam },
      responses: { 200: json(z.object({ violations: z.array(Violation) }), "The violations."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await requireSource(c.env.DB, id);
      return c.json({ violations: await listProtocolViolations(c.env.DB, id) }, 200);
    },
  );
