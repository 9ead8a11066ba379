import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { SourceCache } from "../sources/source-cache";
import { SourceStore } from "../sources/source-store";
import { SCRIPT_ALIAS_PATTERN } from "../sources/source";
import { parseJson } from "./parse-json";

const createSource = z.object({
  name: z.string({ error: "name is required: a display name for the source" }).trim().min(1).max(200),
});
const updateSource = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    scriptAlias: z
      .string()
      .regex(SCRIPT_ALIAS_PATTERN, {
        error: "must be 3 to 40 lower-case letters, digits or dashes (it becomes the path /s/<scriptAlias>.js); null removes it",
      })
      .nullable()
      .optional(),
  })
  .refine((body) => body.name !== undefined || body.enabled !== undefined || body.scriptAlias !== undefined, {
    error: "send name, enabled and/or scriptAlias to change",
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
    const before = await store.get(c.req.param("id"));
    if (!before) throw new ApiError(404, `No source with id ${c.req.param("id")}.`);
    const source = await store.update(before.id, changes, new Date());
    if (!source) {
      if (!(await store.get(before.id))) throw new ApiError(404, `No source with id ${before.id}.`);
      throw new ApiError(409, `scriptAlias ${changes.scriptAlias} is taken by another source: choose another.`, "scriptAlias");
    }
    // Evict every key this source answered to: its write key, its old alias and its new one (a
    // miss for the new alias may have been cached by a request made before it existed).
    const cache = new SourceCache(store);
    await cache.evict(source.writeKey);
    for (const alias of new Set([before.scriptAlias, source.scriptAlias])) {
      if (alias) await cache.evictScriptAlias(alias);
    }
    return c.json({ source });
  });
