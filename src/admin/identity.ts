import { createRoute, z } from "@hono/zod-openapi";
import { ADMIN_ERRORS, ADMIN_SECURITY, adminRouter, json, jsonBody } from "../http/openapi";
import { LIMIT_WINDOWS, identityConfigSchema } from "../identity/identity-config";
import { listViolations, loadIdentityConfig, saveIdentityConfig } from "../identity/config-store";

const limit = z.object({ max: z.number().int(), window: z.enum(LIMIT_WINDOWS) });
const IdentityConfig = z
  .object({
    blockedValues: z.array(z.object({ match: z.enum(["exact", "pattern"]), value: z.string(), types: z.array(z.string()).optional() })),
    limits: z.record(z.string(), limit),
    defaultLimit: limit,
    priority: z.array(z.string()),
    customIdentifiers: z.array(z.object({ type: z.string(), key: z.string() })),
  })
  .openapi("IdentityConfig");
const IdentityViolation = z
  .object({ reason: z.string(), type: z.string(), count: z.number().int(), lastSeen: z.string(), lastMessage: z.string() })
  .openapi("IdentityViolation");

const route = { tags: ["Identity"], security: ADMIN_SECURITY };
const configAnswer = json(z.object({ config: IdentityConfig }), "The space's Identity Resolution rules.");

/**
 * `/api/v1/identity`: the space's Identity Resolution rules (validated when saved; fields left
 * out take the defaults) and the violations the consumer counted, by reason and identifier type.
 * The consumer reads the rules once per batch, so a change applies to the next batches.
 */
export const identityApi = adminRouter()
  .openapi(
    createRoute({ ...route, method: "get", path: "/config", summary: "Identity Resolution rules", responses: { 200: configAnswer, ...ADMIN_ERRORS } }),
    async (c) => c.json({ config: await loadIdentityConfig(c.env.DB, c.env.SPACE_ID) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "put",
      path: "/config",
      summary: "Replace the Identity Resolution rules",
      description:
        "Blocked values, limits per identifier type, priority and custom identifiers; fields left out take the defaults. Patterns run in linear time (RE2, JavaScript syntax without backreferences or lookaround); one RE2 cannot run is refused.",
      request: { body: jsonBody(identityConfigSchema.openapi("IdentityConfigInput")) },
      responses: { 200: configAnswer, ...ADMIN_ERRORS },
    }),
    async (c) => {
      const config = c.req.valid("json");
      await saveIdentityConfig(c.env.DB, c.env.SPACE_ID, config, new Date());
      return c.json({ config }, 200);
    },
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/violations",
      summary: "Identity violations by reason and identifier type",
      responses: { 200: json(z.object({ violations: z.array(IdentityViolation) }), "Counts of the last 30 days."), ...ADMIN_ERRORS },
    }),
    async (c) => c.json({ violations: await listViolations(c.env.DB, c.env.SPACE_ID) }, 200),
  );
