import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { HonoEnv } from "../env";
import { corsOriginFor } from "./cors-origins";

/** So browser SDKs can read it and honour it on 429/503. */
const EXPOSED_HEADERS = "Retry-After";

const allowOrigin = (origin: string, c: Context<HonoEnv>) => corsOriginFor(origin, c.env.CORS_ORIGINS, c.req.url);

const preflight = cors({
  // hono's cors types the context loosely (Context<any>); this is the tracking API's own.
  origin: (origin, c: Context<HonoEnv>) => allowOrigin(origin, c),
  credentials: true,
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "Content-Encoding", "X-Retry-Count"],
  exposeHeaders: [EXPOSED_HEADERS],
  maxAge: 86_400,
});

/**
 * CORS for the Tracking API (who gets which origin: `cors-origins.ts`). Preflights are hono's cors.
 * Every other request gets the same headers as hono's cors would give it, set once on its final
 * answer: hono's cors sets them on a placeholder answer before the handler runs (which the handler's
 * answer then copies) and adds `Vary` to the finished one after (which copies it again), so each
 * event sent built its answer three times.
 */
export const trackingCors: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (c.req.method === "OPTIONS") return preflight(c, next);
  const origin = allowOrigin(c.req.header("origin") ?? "", c);
  await next();
  const headers = c.res.headers;
  headers.set("Access-Control-Allow-Origin", origin);
  headers.set("Access-Control-Allow-Credentials", "true");
  headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  headers.append("Vary", "Origin");
};
