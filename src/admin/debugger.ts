import { createRoute, z } from "@hono/zod-openapi";
import { debuggerFor } from "../debugger/debugger-stub";
import { debuggerEntrySchema } from "../debugger/entry-schema";
import { ADMIN_ERRORS, ADMIN_SECURITY, NOT_FOUND, adminRouter, idParam, json } from "../http/openapi";
import { requireSource } from "./require-source";

const DebuggerEntry = debuggerEntrySchema.openapi("DebuggerEntry", {
  description:
    "One event as the debugger shows it: `accepted` (passed the dedupe check), `duplicate` (dropped: its messageId was already archived) or `invalid` (refused by the Tracking API; `error` is what the client was told). `journey` fills in as the pipeline runs: Protocols' verdict, blocked, archived, each destination's delivery.",
});

/**
 * `GET /api/v1/sources/:id/debugger`: the source's newest events (at most 500), newest first, or
 * with `Upgrade: websocket` the live stream of new entries from the source's DebuggerObject.
 *
 * Behind the admin bearer token like the rest of /api/v1. A browser's WebSocket cannot send an
 * Authorization header, so the console will reach the stream through its own session-cookie
 * route; this one serves API clients (and the console's first page of events).
 */
export const debuggerApi = adminRouter().openapi(
  createRoute({
    tags: ["Sources"],
    security: ADMIN_SECURITY,
    method: "get",
    path: "/{id}/debugger",
    summary: "A source's live debugger",
    description:
      'The newest events (at most 500, newest first). Sent with `Upgrade: websocket`, the answer is a WebSocket on which every new or changed entry arrives as `{"type":"entries","entries":[…]}`, to be put in place by `id`.',
    request: { params: idParam("source") },
    responses: {
      200: json(z.object({ events: z.array(DebuggerEntry) }), "The buffer, newest first."),
      101: { description: "Switching protocols: the live stream of new and changed entries." },
      ...ADMIN_ERRORS,
      ...NOT_FOUND,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await requireSource(c.env.DB, id);
    const stub = debuggerFor(c.env, id);
    if (c.req.header("Upgrade")?.toLowerCase() === "websocket") return stub.fetch(c.req.raw);
    return c.json({ events: await stub.recent() }, 200);
  },
);
