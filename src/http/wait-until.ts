import type { Context } from "hono";

/**
 * The request's `waitUntil`, when it has one (a deployed or `wrangler dev` request does; a test's
 * `app.request` without an execution context does not, and Hono throws on access then).
 */
export function waitUntilOf(c: Context): ((work: Promise<unknown>) => void) | undefined {
  try {
    const context = c.executionCtx;
    return (work) => context.waitUntil(work);
  } catch {
    return undefined;
  }
}
