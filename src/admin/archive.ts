import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { streamArchive } from "../archive/read-archive";

function parseInstant(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ApiError(400, `${name} must be an ISO-8601 date-time, like 2026-01-31T00:00:00Z.`, name);
  return new Date(time);
}

/**
 * `GET /api/v1/archive?sourceId=&from=&to=`: archived events as NDJSON, streamed object by
 * object. `from`/`to` bound `receivedAt` (from inclusive, to exclusive); `sourceId` may repeat.
 */
export const archiveApi = new Hono<HonoEnv>().get("/", (c) => {
  const from = parseInstant(c.req.query("from"), "from");
  const to = parseInstant(c.req.query("to"), "to");
  if (from && to && from >= to) throw new ApiError(400, "from must be before to.", "from");
  const sourceIds = (c.req.queries("sourceId") ?? []).filter(Boolean);
  const stream = streamArchive(c.env.ARCHIVE, { sourceIds, from, to });
  return new Response(stream, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8" } });
});
