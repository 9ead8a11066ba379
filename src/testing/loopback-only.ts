import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../env";

/**
 * The test hooks (`SLUICE_TEST_HOOKS=1`: redirected destination requests, injected consumer
 * faults) exist for local tests only. A Worker that has them on serves loopback addresses only
 * and refuses every other request with a 503 that says why, so a deployment that set the var by
 * mistake fails loudly at its first request instead of quietly crashing its own consumers.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true;
  const octets = host.split(".");
  return octets.length === 4 && octets[0] === "127" && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** The refusal, or null when the request may be served. */
export function testHooksRefusal(env: { SLUICE_TEST_HOOKS?: string }, url: string): string | null {
  if (env.SLUICE_TEST_HOOKS !== "1") return null;
  const { hostname } = new URL(url);
  if (isLoopbackHostname(hostname)) return null;
  return `This Worker runs with SLUICE_TEST_HOOKS=1, a switch for local tests only (it redirects destination requests and can crash the queue consumers), so it serves loopback addresses only, not ${hostname}. Remove SLUICE_TEST_HOOKS (and OUTBOUND_ORIGIN, SLUICE_TEST_FAULTS) from the Worker's vars and deploy again.`;
}

export const loopbackOnlyWithTestHooks: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const refusal = testHooksRefusal(c.env, c.req.url);
  if (refusal === null) return next();
  console.error(refusal);
  return c.json({ success: false, error: refusal }, 503);
};
