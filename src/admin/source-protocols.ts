import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { PlanStore } from "../protocols/plan-store";
import { applySettingsPatch, schemaSettingsPatch } from "../protocols/schema-settings";
import { listProtocolViolations } from "../protocols/violation-store";
import { SourceStore } from "../sources/source-store";
import { parseJson } from "./parse-json";
import { requireSource } from "./require-source";

const connectPlan = z.object({
  trackingPlanId: z.string({ error: "trackingPlanId is required: a plan id, or null to disconnect" }).min(1).nullable(),
});


/** `/api/v1/sources/:id/{tracking-plan,settings,violations}`: a source's Protocols. */
export const sourceProtocolsApi = new Hono<HonoEnv>()
  .put("/:id/tracking-plan", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    const { trackingPlanId } = await parseJson(c.req.raw, connectPlan);
    const store = new PlanStore(c.env.DB);
    if (trackingPlanId && !(await store.get(trackingPlanId))) throw new ApiError(404, `No tracking plan with id ${trackingPlanId}.`, "trackingPlanId");
    await store.connect(id, trackingPlanId, new Date());
    return c.json({ sourceId: id, trackingPlanId });
  })
  .get("/:id/settings", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    return c.json({ settings: (await new PlanStore(c.env.DB).sourceProtocols(id)).settings });
  })
  .patch("/:id/settings", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    const patch = await parseJson(c.req.raw, schemaSettingsPatch);
    for (const field of ["forwardingViolationsTo", "forwardingBlockedEventsTo"] as const) {
      const target = patch[field];
      if (target === id) throw new ApiError(400, `${field} must be another source: forwarding to itself would loop.`, field);
      if (target && !(await new SourceStore(c.env.DB).get(target))) throw new ApiError(400, `${field}: no source with id ${target}.`, field);
    }
    const store = new PlanStore(c.env.DB);
    const settings = applySettingsPatch((await store.sourceProtocols(id)).settings, patch);
    await store.saveSettings(id, settings, new Date());
    return c.json({ settings });
  })
  .get("/:id/violations", async (c) => {
    const id = c.req.param("id");
    await requireSource(c.env.DB, id);
    return c.json({ violations: await listProtocolViolations(c.env.DB, id) });
  });
