import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { describeJsonHazard, findJsonHazard } from "../spec/json-hazards";
import { ApiError } from "./api-error";

const METHODS_WITH_BODIES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Admin bodies are JSON whatever the Content-Type says: `curl -d` sends
 * `application/x-www-form-urlencoded`, `fetch` with a string body sends `text/plain`, and the
 * admin API has always read both as JSON. The validators of @hono/zod-openapi read only bodies
 * labelled exactly `application/json` (and refuse others with a 415), so every request is
 * relabelled here: a body that parses as `application/json`, a missing or blank one as no body at
 * all, which the validators read as `{}`, so a route that needs fields names the missing ones. A
 * body that is not JSON is a 400 that says so, and so is one nested too deep or with a
 * `__proto__` key (spec/json-hazards.ts). The text is cached: the body is read once.
 */
export const readBodiesAsJson = createMiddleware<HonoEnv>(async (c, next) => {
  if (!METHODS_WITH_BODIES.has(c.req.method)) return next();
  const text = c.req.raw.body === null ? "" : await c.req.text();
  const empty = text.trim() === "";
  if (!empty) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "The body is not valid JSON: send a JSON object (Content-Type: application/json).");
    }
    const hazard = findJsonHazard(body);
    if (hazard) {
      const { field, message } = describeJsonHazard(hazard);
      throw new ApiError(400, message, field);
    }
  }
  const headers = new Headers(c.req.raw.headers);
  if (empty) headers.delete("content-type");
  else headers.set("content-type", "application/json");
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: empty ? null : text });
  await next();
});
