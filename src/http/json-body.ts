import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { ApiError } from "./api-error";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODIES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Admin bodies are JSON whatever the Content-Type says: `curl -d` sends
 * `application/x-www-form-urlencoded` and `fetch` with a string body sends `text/plain`, and the
 * admin API has always read both as JSON. The validators of @hono/zod-openapi only read bodies
 * labelled JSON, so a non-empty body is parsed here (a clear 400 when it is not JSON) and the
 * request relabelled; the parsed body is cached, so it is read once.
 */
export const readBodiesAsJson = createMiddleware<HonoEnv>(async (c, next) => {
  if (!METHODS_WITH_BODIES.has(c.req.method) || c.req.raw.body === null) return next();
  const text = await c.req.text();
  const empty = text.trim() === "";
  if (!empty) {
    try {
      JSON.parse(text);
    } catch {
      throw new ApiError(400, "The body is not valid JSON: send a JSON object (Content-Type: application/json).");
    }
  }
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
  if (empty || !JSON_TYPE.test(mediaType)) {
    // An empty body is validated as `{}`, so a route that needs one names the missing fields.
    const headers = new Headers(c.req.raw.headers);
    if (empty) headers.delete("content-type");
    else headers.set("content-type", "application/json");
    c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: empty ? null : text });
  }
  await next();
});
