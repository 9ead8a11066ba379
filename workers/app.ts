import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { adminApi } from "../src/admin/routes";
import { apiDescription } from "../src/api-docs/routes";
import { consoleApp } from "../src/console/routes";
import type { HonoEnv } from "../src/env";
import { ApiError } from "../src/http/api-error";
import { trackingApi } from "../src/ingest/routes";
import { profileApi } from "../src/profile-api/routes";
import { sdkServing } from "../src/sdk-serving/routes";
import { loopbackOnlyWithTestHooks } from "../src/testing/loopback-only";

/**
 * The HTTP surface: the Profile API (/v1/spaces/*), analytics.js and settings, the Tracking API
 * at the root, admin API under /api/v1. sdkServing goes first: its public CORS for /v1/projects/*
 * must answer before the Tracking API's credentialed CORS for /v1/*. The API description is
 * mounted before the admin API so it answers without the admin token. The console (/console)
 * signs people in with its own session cookie. With the test hooks on, only loopback is served
 * (src/testing/loopback-only.ts).
 */
export const app = new OpenAPIHono<HonoEnv>();
app
  .use(loopbackOnlyWithTestHooks)
  .route("/", profileApi)
  .route("/", sdkServing)
  .route("/", trackingApi)
  .route("/", apiDescription(app))
  .route("/api/v1", adminApi)
  .route("/console", consoleApp())
  .get("/health", (c) => c.json({ ok: true }));

app.notFound((c) => c.json({ success: false, error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }, 404));

app.onError((error, c) => {
  if (error instanceof ApiError) {
    const body: Record<string, unknown> = { success: false, error: error.message };
    if (error.field !== undefined) body.field = error.field;
    return c.json(body, error.status);
  }
  // Hono's own refusals (such as a media type a route does not take) keep their status.
  if (error instanceof HTTPException && error.status < 500) {
    return c.json({ success: false, error: error.message || "The request was refused." }, error.status);
  }
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed`, error);
  return c.json({ success: false, error: "Internal error: retry the request; if it persists, check the Worker's logs." }, 500);
});
