import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { ApiError } from "../http/api-error";
import { parseIdentityConfig } from "../identity/identity-config";
import { listViolations, loadIdentityConfig, saveIdentityConfig } from "../identity/config-store";

/**
 * `/api/v1/identity`: the space's Identity Resolution rules (validated when saved; fields left
 * out take the defaults) and the violations the consumer counted, by reason and identifier type.
 * The consumer reads the rules once per batch, so a change applies to the next batches.
 */
export const identityApi = new Hono<HonoEnv>()
  .get("/config", async (c) => c.json({ config: await loadIdentityConfig(c.env.DB, c.env.SPACE_ID) }))
  .put("/config", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, "The body is not valid JSON: send the identity rules as a JSON object.");
    }
    const parsed = parseIdentityConfig(body);
    if (!parsed.ok) throw new ApiError(400, parsed.errors.join(" "));
    await saveIdentityConfig(c.env.DB, c.env.SPACE_ID, parsed.config, new Date());
    return c.json({ config: parsed.config });
  })
  .get("/violations", async (c) => c.json({ violations: await listViolations(c.env.DB, c.env.SPACE_ID) }));
