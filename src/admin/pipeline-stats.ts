import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_ERRORS, ADMIN_SECURITY, adminRouter, json } from "../http/openapi";
import { queryText } from "../http/query";
import { DEDUPE_SHARD_COUNT, dedupeShardName } from "../dedupe/shards";
import { readRecentSuppressed } from "../privacy/suppressed-counts";

const PipelineStats = z
  .object({
    windowHours: z.literal(24),
    archived: z.number().int(),
    duplicates: z.number().int(),
    suppressedByDay: z
      .array(z.object({ day: z.string(), count: z.number().int() }))
      .openapi({ description: "Events dropped because their person is suppressed (never stored), per UTC day of the last 7 days that had any." }),
  })
  .openapi("PipelineStats");

/**
 * `GET /api/v1/pipeline/stats?sourceId=`: events archived and duplicates dropped within the
 * 24-hour dedupe window, summed over every dedupe shard, and suppressed events per day.
 */
export const pipelineStatsApi = adminRouter().openapi(
  createRoute({
    tags: ["Pipeline"],
    security: ADMIN_SECURITY,
    method: "get",
    path: "/",
    summary: "Events archived and duplicates dropped in the 24-hour dedupe window",
    request: { query: z.object({ sourceId: queryText("One source; all when left out.") }) },
    responses: { 200: json(PipelineStats, "Totals over every dedupe shard."), ...ADMIN_ERRORS },
  }),
  async (c) => {
    const { sourceId } = c.req.valid("query");
    const shards = await Promise.all(
      Array.from({ length: DEDUPE_SHARD_COUNT }, (_, shard) => c.env.DEDUPE.get(c.env.DEDUPE.idFromName(dedupeShardName(c.env.SPACE_ID, shard))).stats()),
    );
    const suppressedByDay = await readRecentSuppressed(c.env.DB, sourceId, new Date());
    const totals = { archived: 0, duplicates: 0 };
    for (const row of shards.flat()) {
      if (sourceId && row.sourceId !== sourceId) continue;
      totals.archived += row.archived;
      totals.duplicates += row.duplicates;
    }
    return c.json({ windowHours: 24 as const, ...totals, suppressedByDay }, 200);
  },
);
