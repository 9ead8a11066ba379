import { DurableObject } from "cloudflare:workers";
import type { AppEnv } from "../src/env";
import { beginAttempt, SIGN_IN_POLICY } from "../src/console/sign-in-throttle";

const KEY = "attempts";

/**
 * One client's recent console sign-in attempts (named by `throttleKeyFor`). The rules are in
 * src/console/sign-in-throttle.ts; the object keeps the list in its synchronous KV storage, so
 * each call reads and writes it without another call in between. An alarm forgets the client
 * once its window has passed.
 */
export class SignInThrottleObject extends DurableObject<AppEnv> {
  /** Counts an attempt at `now` (ms) when allowed; otherwise says how long to wait. */
  async begin(now: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
    const verdict = beginAttempt(this.ctx.storage.kv.get<number[]>(KEY) ?? [], now, SIGN_IN_POLICY);
    this.ctx.storage.kv.put(KEY, verdict.attempts);
    await this.ctx.storage.setAlarm(now + SIGN_IN_POLICY.windowMs);
    return verdict.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: verdict.retryAfterSeconds };
  }

  /** A successful sign-in clears the client's count. */
  async succeeded(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
