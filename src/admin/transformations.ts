import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { TransformationStore } from "../protocols/transformation-store";
import { transformationInput } from "../protocols/transformations";
import { parseJson } from "./parse-json";
import { requireSource } from "./require-source";


const conflict = (eventType: string, eventName: string) =>
  new ApiError(409, `This source already transforms ${eventType} ${JSON.stringify(eventName)}: change that transformation instead.`);

/** `/api/v1/sources/:id/transformations`: source-scoped Protocols transformations. */
export const transformationsApi = new Hono<HonoEnv>()
  .get("/:id/transformations", async (c) => {
    await requireSource(c.env.DB, c.req.param("id"));
    return c.json({ transformations: await new TransformationStore(c.env.DB).list(c.req.param("id")) });
  })
  .post("/:id/transformations", async (c) => {
    await requireSource(c.env.DB, c.req.param("id"));
    const fields = await parseJson(c.req.raw, transformationInput);
    const created = await new TransformationStore(c.env.DB).create(c.req.param("id"), fields, new Date());
    if (!created) throw conflict(fields.eventType, fields.eventName);
    return c.json({ transformation: created }, 201);
  })
  .put("/:id/transformations/:tid", async (c) => {
    await requireSource(c.env.DB, c.req.param("id"));
    const fields = await parseJson(c.req.raw, transformationInput);
    let replaced;
    try {
      replaced = await new TransformationStore(c.env.DB).replace(c.req.param("id"), c.req.param("tid"), fields, new Date());
    } catch (error) {
      if (String(error).includes("UNIQUE")) throw conflict(fields.eventType, fields.eventName);
      throw error;
    }
    if (!replaced) throw new ApiError(404, `No transformation ${c.req.param("tid")} on source ${c.req.param("id")}.`);
    return c.json({ transformation: replaced });
  })
  .delete("/:id/transformations/:tid", async (c) => {
    if (!(await new TransformationStore(c.env.DB).delete(c.req.param("id"), c.req.param("tid")))) {
      throw new ApiError(404, `No transformation ${c.req.param("tid")} on source ${c.req.param("id")}.`);
    }
    return c.json({ deleted: true });
  });
