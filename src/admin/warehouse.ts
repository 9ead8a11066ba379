import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, CONFLICT, NOT_FOUND, adminRouter, idParam, json, jsonBody } from "../http/openapi";
import { SourceStore } from "../sources/source-store";
import { isSourceSlug } from "../warehouse/store/source-slug";
import { WarehouseFileStore } from "../warehouse/store/warehouse-files";
import { WarehouseSourceStore, type WarehouseSource } from "../warehouse/store/warehouse-sources";
import { WarehouseSyncStore, type WarehouseSync } from "../warehouse/store/warehouse-syncs";
import { PARQUET_CONTENT_TYPE } from "../warehouse/sync/write-hour";
import { startWarehouseSync } from "../warehouse/sync/start-sync";

const Sync = z
  .object({
    id: z.string(),
    sourceId: z.string(),
    status: z.enum(["running", "succeeded", "failed"]),
    trigger: z.enum(["manual", "schedule", "regulation"]),
    full: z.boolean(),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    hoursTotal: z.number().int(),
    hoursSynced: z.number().int(),
    rowsWritten: z.number().int(),
    filesWritten: z.number().int(),
    error: z.string().optional(),
  })
  .openapi("WarehouseSync", { description: "`hoursTotal` archive hours changed since the last sync; each is rewritten (or removed) in place." });

const File = z.object({ key: z.string(), table: z.string(), rows: z.number().int(), bytes: z.number().int() }).openapi("WarehouseFile");

const tableName = z.string().min(1).max(127);
const WarehouseSourceSchema = z
  .object({
    sourceId: z.string(),
    slug: z.string().openapi({ description: "The schema name: files are under `warehouse/<slug>/`." }),
    excludedEvents: z
      .array(z.string())
      .openapi({ description: "Tables not synced: an event's table (`order_completed`), `tracks`, `pages`, `identifies`, `users`…" }),
    excludedProperties: z.record(z.string(), z.array(z.string())).openapi({ description: "Per table, columns not synced." }),
    lastSync: Sync.optional(),
  })
  .openapi("WarehouseSource");

const sourceChanges = z
  .object({
    slug: z.string().refine(isSourceSlug, "slug must be 1 to 63 lower-case letters, digits and _, starting with a letter or _, and not `profiles`").optional(),
    excludedEvents: z.array(tableName).max(1000).optional(),
    excludedProperties: z.record(tableName, z.array(tableName).max(1000)).optional(),
  })
  .strict()
  .openapi("WarehouseSourceChanges");

const startRequest = z
  .object({
    sourceId: z.string().min(1),
    full: z.boolean().optional().openapi({ description: "Rewrite every archive hour, changed or not." }),
  })
  .strict()
  .openapi("WarehouseSyncRequest");

const sourceIdParam = z.object({
  sourceId: z
    .string()
    .min(1)
    .openapi({ param: { name: "sourceId", in: "path" }, description: "The source's id." }),
});
const route = { tags: ["Warehouse"], security: ADMIN_SECURITY };
const syncAnswer = (description: string) => json(z.object({ sync: Sync }), description);

/**
 * The warehouse (DESIGN.md): syncs of the archive into Segment-schema Parquet tables in R2, the
 * files they wrote, and each source's schema name and selective sync.
 */
export const warehouseApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "post",
      path: "/syncs",
      summary: "Sync a source's archive into its warehouse tables now",
      description: "Answers at once with the sync, which runs in the source's Durable Object; a sync already running for the source is answered instead.",
      request: { body: jsonBody(startRequest) },
      responses: { 201: syncAnswer("The sync, started (or the one running)."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { sourceId, full } = c.req.valid("json");
      const sync = await startWarehouseSync(c.env, sourceId, { trigger: "manual", full: full ?? false });
      if (!sync) throw new ApiError(404, `No source with id ${sourceId}.`, "sourceId");
      return c.json({ sync }, 201);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/syncs",
      summary: "A source's newest syncs (50)",
      request: { query: z.object({ sourceId: z.string().min(1) }) },
      responses: { 200: json(z.object({ syncs: z.array(Sync) }), "Newest first."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ syncs: await new WarehouseSyncStore(c.env.DB).list(c.req.valid("query").sourceId, 50) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/syncs/{id}",
      summary: "A sync's progress",
      request: { params: idParam("sync") },
      responses: { 200: syncAnswer("Its progress."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const sync = await new WarehouseSyncStore(c.env.DB).get(id);
      if (!sync) throw new ApiError(404, `No warehouse sync with id ${id}.`);
      return c.json({ sync }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/files",
      summary: "The warehouse's Parquet files",
      description: "A source's files (with `sourceId`), plus the space-wide identity tables' under `warehouse/profiles/`; every file without it.",
      request: { query: z.object({ sourceId: z.string().min(1).optional() }) },
      responses: { 200: json(z.object({ files: z.array(File) }), "By key."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ files: await new WarehouseFileStore(c.env.DB).list(c.req.valid("query").sourceId) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/files/{key}",
      summary: "Download one Parquet file",
      description: "`key` as the files list gives it, slashes and all (`/files/warehouse/web_shop/tracks/dt=2026-12-01/05-000.parquet`).",
      request: {
        params: z.object({
          key: z
            .string()
            .min(1)
            .openapi({ param: { name: "key", in: "path" } }),
        }),
      },
      responses: {
        200: { content: { [PARQUET_CONTENT_TYPE]: { schema: { type: "string", format: "binary" } } }, description: "The file." },
        ...ADMIN_ERRORS,
        ...NOT_FOUND,
      },
    }),
    (c) => downloadFile(c, c.req.valid("param").key),
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/sources",
      summary: "Every source's schema name, selective sync and last sync",
      responses: { 200: json(z.object({ sources: z.array(WarehouseSourceSchema) }), "By slug."), ...ADMIN_ERRORS },
    }),
    async (c) => {
      const now = new Date();
      const warehouseSources = new WarehouseSourceStore(c.env.DB);
      const latest = await new WarehouseSyncStore(c.env.DB).latestPerSource();
      const sources = [];
      for (const source of await new SourceStore(c.env.DB).list())
        sources.push(withLastSync(await warehouseSources.ensure(source, now), latest.get(source.id)));
      return c.json({ sources: sources.sort((a, b) => (a.slug < b.slug ? -1 : 1)) }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/sources/{sourceId}",
      summary: "A source's schema name, selective sync and last sync",
      request: { params: sourceIdParam },
      responses: { 200: json(z.object({ source: WarehouseSourceSchema }), "The source."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    async (c) => c.json({ source: await describeSource(c.env, c.req.valid("param").sourceId) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "put",
      path: "/sources/{sourceId}",
      summary: "Change a source's schema name or selective sync",
      description: "Applies from the next sync, which rewrites every hour (and moves the files to a new slug).",
      request: { params: sourceIdParam, body: jsonBody(sourceChanges) },
      responses: { 200: json(z.object({ source: WarehouseSourceSchema }), "The source, changed."), ...ADMIN_ERRORS, ...NOT_FOUND, ...CONFLICT },
    }),
    async (c) => {
      const { sourceId } = c.req.valid("param");
      const changes = c.req.valid("json");
      const store = new WarehouseSourceStore(c.env.DB);
      const current = await describeSource(c.env, sourceId);
      if (
        changes.slug !== undefined &&
        changes.slug !== current.slug &&
        ((await store.slugTaken(changes.slug)) || (await new WarehouseFileStore(c.env.DB).slugHeldByAnother(changes.slug, sourceId)))
      )
        throw new ApiError(409, `Another source's warehouse is (or, until its next sync, still has files) named ${changes.slug}; choose another slug.`, "slug");
      await store.update(sourceId, changes, new Date());
      return c.json({ source: await describeSource(c.env, sourceId) }, 200);
    },
  );

/** The wildcard twin of `GET /files/{key}`: keys hold slashes, which a path parameter cannot. */
warehouseApi.get("/files/*", (c) => downloadFile(c, decodedPath(c.req.path.slice(c.req.path.indexOf("/files/") + "/files/".length))));

/** The path's key as the files list gives it; a malformed escape names no file (404), rather than failing the request. */
function decodedPath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Only keys the warehouse wrote are served: the bucket also holds the archive, which this route must never reach. */
async function downloadFile(c: Context<HonoEnv>, key: string): Promise<Response> {
  const missing = () => new ApiError(404, `No warehouse file ${JSON.stringify(key.slice(0, 300))}; GET /api/v1/warehouse/files lists them.`);
  if (!key.startsWith("warehouse/") || !(await new WarehouseFileStore(c.env.DB).has(key))) throw missing();
  const object = await c.env.ARCHIVE.get(key);
  if (!object) throw missing();
  const name = key.slice(key.lastIndexOf("/") + 1);
  return new Response(object.body, {
    headers: {
      "Content-Type": PARQUET_CONTENT_TYPE,
      "Content-Length": String(object.size),
      "Content-Disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9_.=-]/g, "_")}"`,
      ETag: object.httpEtag,
    },
  });
}

async function describeSource(env: HonoEnv["Bindings"], sourceId: string): Promise<WarehouseSource & { lastSync?: WarehouseSync }> {
  const source = await new SourceStore(env.DB).get(sourceId);
  if (!source) throw new ApiError(404, `No source with id ${sourceId}.`);
  const warehouse = await new WarehouseSourceStore(env.DB).ensure(source, new Date());
  const [last] = await new WarehouseSyncStore(env.DB).list(sourceId, 1);
  return withLastSync(warehouse, last);
}

function withLastSync(source: WarehouseSource, last: WarehouseSync | undefined): WarehouseSource & { lastSync?: WarehouseSync } {
  return last ? { ...source, lastSync: last } : source;
}
