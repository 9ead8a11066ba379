import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { checkPlanRules } from "../protocols/check-rules";
import { PlanStore } from "../protocols/plan-store";
import { planRulesSchema } from "../protocols/tracking-plan";
import { parseJson } from "./parse-json";

const name = z.string({ error: "name is required: a display name for the plan" }).trim().min(1).max(200);
const createPlan = z.object({ name, rules: planRulesSchema.default([]) });
const updatePlan = z
  .object({ name: name.optional(), rules: planRulesSchema.optional() })
  .refine((body) => body.name !== undefined || body.rules !== undefined, { error: "send name and/or rules to change" });

function refuseUnsafeRules(rules: Parameters<typeof checkPlanRules>[0] | undefined): void {
  const problems = rules ? checkPlanRules(rules) : [];
  if (problems.length > 0) throw new ApiError(400, problems.join(" "), "rules");
}

/**
 * `/api/v1/tracking-plans`: Protocols tracking plans in Segment's rule format. Every change is in
 * the plan's changelog (`/:id/changes`); a plan a source uses cannot be deleted.
 */
export const trackingPlansApi = new Hono<HonoEnv>()
  .get("/", async (c) => c.json({ trackingPlans: await new PlanStore(c.env.DB).list() }))
  .post("/", async (c) => {
    const body = await parseJson(c.req.raw, createPlan);
    refuseUnsafeRules(body.rules);
    return c.json({ trackingPlan: await new PlanStore(c.env.DB).create(body.name, body.rules, new Date()) }, 201);
  })
  .get("/:id", async (c) => {
    const plan = await new PlanStore(c.env.DB).get(c.req.param("id"));
    if (!plan) throw new ApiError(404, `No tracking plan with id ${c.req.param("id")}.`);
    return c.json({ trackingPlan: plan });
  })
  .patch("/:id", async (c) => {
    const body = await parseJson(c.req.raw, updatePlan);
    refuseUnsafeRules(body.rules);
    const plan = await new PlanStore(c.env.DB).update(c.req.param("id"), body, new Date());
    if (!plan) throw new ApiError(404, `No tracking plan with id ${c.req.param("id")}.`);
    return c.json({ trackingPlan: plan });
  })
  .delete("/:id", async (c) => {
    const store = new PlanStore(c.env.DB);
    const using = await store.sourcesUsing(c.req.param("id"));
    if (using.length > 0) throw new ApiError(409, `Sources ${using.join(", ")} use this plan: connect them to another plan (or none) first.`);
    if (!(await store.delete(c.req.param("id")))) throw new ApiError(404, `No tracking plan with id ${c.req.param("id")}.`);
    return c.json({ deleted: true });
  })
  .get("/:id/changes", async (c) => {
    const store = new PlanStore(c.env.DB);
    if (!(await store.get(c.req.param("id")))) throw new ApiError(404, `No tracking plan with id ${c.req.param("id")}.`);
    return c.json({ changes: await store.changes(c.req.param("id")) });
  });
