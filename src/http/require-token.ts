import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../env";
import { ApiError } from "./api-error";
import { credentialsMatch } from "./constant-time";

/**
 * Bearer-token guard for the admin API. The token comes only from the environment: a deployment
 * without the secret refuses every request rather than falling back to a default.
 */
export const requireAdminToken = createMiddleware<HonoEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) {
    throw new ApiError(503, "The admin API is disabled: set the ADMIN_TOKEN secret (wrangler secret put ADMIN_TOKEN).");
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (!match || !(await credentialsMatch(match[1]!, expected))) {
    c.header("WWW-Authenticate", 'Bearer realm="sluice-admin"');
    throw new ApiError(401, "Missing or wrong admin token: send Authorization: Bearer <admin token>.");
  }
  await next();
});
