import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, Deleted, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { checkPlanRules } from "../protocols/check-rules";
import { PlanStore } from "../protocols/plan-store";
import { RULE_TYPES, planRulesSchema } from "../protocols/tracking-plan";

const name = z.string({ error: "name is required: a display name for the plan" }).trim().min(1).max(200);
const rules = planRulesSchema.openapi({
  description: "Segment's rules: `{type, key, version, jsonSchema}`, the JSON Schema (draft-07) describing the whole event.",
});
const createPlan = z.object({ name, rules: rules.default([]) }).openapi("TrackingPlanCreate");
const updatePlan = z
  .object({ name: name.optional(), rules: rules.optional() })
  .refine((body) => body.name !== undefined || body.rules !== undefined, { error: "send name and/or rules to change" })
  .openapi("TrackingPlanUpdate");

const Rule = z
  .object({ type: z.enum(RULE_TYPES), key: z.string().nullable(), version: z.number().int(), jsonSchema: z.record(z.string(), z.unknown()) })
  .openapi("TrackingPlanRule");
const TrackingPlan = z.object({ id: z.string(), name: z.string(), rules: z.array(Rule), createdAt: z.string(), updatedAt: z.string() }).openapi("TrackingPlan");
const PlanChange = z
  .object({ at: z.string(), action: z.enum(["created", "updated", "connected", "disconnected"]), detail: z.record(z.string(), z.unknown()) })
  .openapi("TrackingPlanChange");

function refuseUnsafeRules(planRules: Parameters<typeof checkPlanRules>[0] | undefined): void {
  const problems = planRules ? checkPlanRules(planRules) : [];
  if (problems.length > 0) throw new ApiError(400, problems.join(" "), "rules");
}

const route = { tags: ["Tracking plans"], security: ADMIN_SECURITY };
const planParam = idParam("tracking plan");
const planAnswer = (description: string) => json(z.object({ trackingPlan: TrackingPlan }), description);
const notFound = (id: string) => new ApiError(404, `No tracking plan with id ${id}.`);

/**
 * `/api/v1/tracking-plans`: Protocols tracking plans in Segment's rule format. Every change is in
 * the plan's changelog (`/:id/changes`); a plan a source uses cannot be deleted.
 */
export const trackingPlansApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/",
      summary: "List tracking plans",
      responses: { 200: json(z.object({ trackingPlans: z.array(TrackingPlan) }), "Every plan."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ trackingPlans: await new PlanStore(c.env.DB).list() }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/",
      summary: "Create a tracking plan",
      description:
        "`pattern`s run in linear time (RE2, JavaScript syntax without backreferences or lookaround); one RE2 cannot run is refused when saved, as is `patternProperties`.",
      request: { body: jsonBody(createPlan) },
      responses: { 201: planAnswer("The new plan."), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const body = c.req.valid("json");
      refuseUnsafeRules(body.rules);
      return c.json({ trackingPlan: await new PlanStore(c.env.DB).create(body.name, body.rules, new Date()) }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}",
      summary: "Get a tracking plan",
      request: { params: planParam },
      responses: { 200: planAnswer("The plan."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const plan = await new PlanStore(c.env.DB).get(id);
      if (!plan) throw notFound(id);
      return c.json({ trackingPlan: plan }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "patch",
      path: "/{id}",
      summary: "Rename a plan or replace its rules",
      request: { params: planParam, body: jsonBody(updatePlan) },
      responses: { 200: planAnswer("The plan as changed."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      refuseUnsafeRules(body.rules);
      const plan = await new PlanStore(c.env.DB).update(id, body, new Date());
      if (!plan) throw notFound(id);
      return c.json({ trackingPlan: plan }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "delete",
      path: "/{id}",
      summary: "Delete a tracking plan no source uses",
      request: { params: planParam },
      responses: { 200: json(Deleted, "Deleted."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const store = new PlanStore(c.env.DB);
      const using = await store.sourcesUsing(id);
      if (using.length > 0) throw new ApiError(409, `Sources ${using.join(", ")} use this plan: connect them to another plan (or none) first.`);
      if (!(await store.delete(id))) throw notFound(id);
      return c.json({ deleted: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/{id}/changes",
      summary: "A tracking plan's changelog",
      request: { params: planParam },
      responses: { 200: json(z.object({ changes: z.array(PlanChange) }), "Changes, newest first."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const store = new PlanStore(c.env.DB);
      if (!(await store.get(id))) throw notFound(id);
      return c.json({ changes: await store.changes(id) }, 200);
    },
  );
