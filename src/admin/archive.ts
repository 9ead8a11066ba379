import { createRoute, z } from "@hono/zod-openapi";
import { streamArchive } from "../archive/read-archive";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, adminRouter } from "../http/openapi";
import { queryInstant } from "../http/query";

const archiveQuery = z.object({
  sourceId: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description: "Sources to read; repeat for several, leave out for all.", param: { style: "form", explode: true } }),
  from: queryInstant("Inclusive lower bound of receivedAt."),
  to: queryInstant("Exclusive upper bound of receivedAt."),
});

/**
 * `GET /api/v1/archive?sourceId=&from=&to=`: archived events as NDJSON, streamed object by
 * object. `from`/`to` bound `receivedAt` (from inclusive, to exclusive); `sourceId` may repeat.
 */
export const archiveApi = adminRouter().openapi(
  createRoute({
    tags: ["Archive"],
    security: ADMIN_SECURITY,
    method: "get",
    path: "/",
    summary: "Archived events as NDJSON",
    description: "One event per line exactly as accepted (with receivedAt, messageId and corrected timestamp), streamed from R2.",
    request: { query: archiveQuery },
    responses: {
      200: { content: { "application/x-ndjson": { schema: { type: "string", description: "One JSON event per line." } } }, description: "The events." },
      ...ADMIN_ERRORS,
    },
  }),
  (c) => {
    const { sourceId, from, to } = c.req.valid("query");
    if (from && to && from >= to) throw new ApiError(400, "from must be before to.", "from");
    const sourceIds = [sourceId ?? []].flat().filter(Boolean);
    const stream = streamArchive(c.env.ARCHIVE, { sourceIds, from, to });
    // @hono/zod-openapi's types take `application/x-ndjson` for a JSON media type (`…json`) and
    // so accept no body for it; the document still describes the stream.
    return c.body(stream, 200, { "Content-Type": "application/x-ndjson; charset=utf-8" }) as never;
  },
);
