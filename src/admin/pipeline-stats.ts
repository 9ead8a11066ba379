import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { DEDUPE_SHARD_COUNT, dedupeShardName } from "../dedupe/shards";

/**
 * `GET /api/v1/pipeline/stats?sourceId=`: events archived and duplicates dropped within the
 * 24-hour dedupe window, summed over every dedupe shard.
 */
export const pipelineStatsApi = new Hono<HonoEnv>().get("/", async (c) => {
  const sourceId = c.req.query("sourceId");
  const shards = await Promise.all(
    Array.from({ length: DEDUPE_SHARD_COUNT }, (_, shard) =>
      c.env.DEDUPE.get(c.env.DEDUPE.idFromName(dedupeShardName(c.env.SPACE_ID, shard))).stats(),
    ),
  );
  const totals = { archived: 0, duplicates: 0 };
  for (const row of shards.flat()) {
    if (sourceId && row.sourceId !== sourceId) continue;
    totals.archived += row.archived;
    totals.duplicates += row.duplicates;
  }
  return c.json({ windowHours: 24, ...totals });
});
