import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { SourceCache } from "../sources/source-cache";
import { SourceStore } from "../sources/source-store";
import { parseJson } from "./parse-json";

const createSource = z.object({
  name: z.string({ error: "name is required: a display name for the source" }).trim().min(1).max(200),
});
const updateSource = z
  .object({ name: z.string().trim().min(1).max(200).optional(), enabled: z.boolean().optional() })
  .refine((body) => body.name !== undefined || body.enabled !== undefined, {
    error: "send name and/or enabled to change",
  });

/** `/api/v1/sources`: named as Segment's Public API names them. */
export const sourcesApi = new Hono<HonoEnv>()
  .get("/", async (c) => c.json({ sources: await new SourceStore(c.env.DB).list() }))
  .post("/", async (c) => {
    const { name } = await parseJson(c.req.raw, createSource);
    const source = await new SourceStore(c.env.DB).create(name, new Date());
    return c.json({ source }, 201);
  })
  .get("/:id", async (c) => {
    const source = await new SourceStore(c.env.DB).get(c.req.param("id"));
    if (!source) throw new ApiError(404, `No source with id ${c.req.param("id")}.`);
    return c.json({ source });
  })
  .patch("/:id", async (c) => {
    const changes = await parseJson(c.req.raw, updateSource);
    const store = new SourceStore(c.env.DB);
    const source = await store.update(c.req.param("id"), changes, new Date());
    if (!source) throw new ApiError(404, `No source with id ${c.req.param("id")}.`);
    await new SourceCache(store).evict(source.writeKey);
    return c.json({ source });
  });
