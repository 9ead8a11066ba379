import type { AppEnv } from "../src/env";

/** DELIVERY_RETRY_FIRST_DELAY_SECONDS when it is a positive number, else the policy's default. */
export function firstRetryDelaySeconds(env: AppEnv): number | undefined {
  const configured = Number(env.DELIVERY_RETRY_FIRST_DELAY_SECONDS);
  return Number.isFinite(configured) && configured > 0 ? configured : undefined;
}
