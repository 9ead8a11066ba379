/**
 * Failed sign-ins are limited per client: at most 5 attempts that did not succeed in any 15
 * minutes, then 429 with Retry-After until the oldest of them leaves the window.
 *
 * Why a Durable Object per client (workers/sign-in-throttle-object.ts) and not Workers' Rate
 * Limiting binding: the binding counts per Cloudflare location and only over 10 or 60 seconds
 * (wrangler's config schema says so), so a guesser spread over locations, or patient for a minute,
 * would not be held. One object per client key sees every attempt from that client everywhere, in
 * order. Every attempt is counted *before* the token is compared and cleared on success, so a
 * burst of parallel guesses cannot all slip in ahead of their failures being recorded.
 *
 * These rules are pure (time passed in, milliseconds); the object only stores the list.
 */

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
}

export const SIGN_IN_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

/** The attempts still inside the window at `now`, oldest first, at most `maxFailures` of them. */
export function recentAttempts(attempts: readonly number[], now: number, policy: ThrottlePolicy): number[] {
  return attempts
    .filter((at) => at > now - policy.windowMs && at <= now)
    .sort((a, b) => a - b)
    .slice(-policy.maxFailures);
}

/** Seconds until another attempt is allowed, or null when one is allowed now. */
export function retryAfterSeconds(attempts: readonly number[], now: number, policy: ThrottlePolicy): number | null {
  const recent = recentAttempts(attempts, now, policy);
  if (recent.length < policy.maxFailures) return null;
  // The window frees a place when the oldest kept attempt leaves it.
  return Math.max(1, Math.ceil((recent[0]! + policy.windowMs - now) / 1000));
}

export type AttemptVerdict = { allowed: true; attempts: number[] } | { allowed: false; retryAfterSeconds: number; attempts: number[] };

/** Decides an attempt at `now` and, when allowed, counts it (to be cleared if it succeeds). */
export function beginAttempt(attempts: readonly number[], now: number, policy: ThrottlePolicy): AttemptVerdict {
  const recent = recentAttempts(attempts, now, policy);
  const wait = retryAfterSeconds(recent, now, policy);
  if (wait !== null) return { allowed: false, retryAfterSeconds: wait, attempts: recent };
  return { allowed: true, attempts: [...recent, now] };
}

/**
 * The key a client's attempts are counted under: its IP address, or for IPv6 its /64 (one
 * subscriber usually holds a whole /64, so counting single addresses would not hold anyone).
 */
export function throttleKeyFor(ip: string | undefined): string {
  const address = (ip ?? "").trim().toLowerCase();
  if (!address) return "ip:unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return `ip:${mapped[1]}`;
  if (!address.includes(":")) return `ip:${address}`;
  return `ip6:${ipv6Groups(address).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded and leading zeros dropped. */
function ipv6Groups(address: string): string[] {
  const [head = "", tail] = address.split("::", 2);
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : Math.max(0, 8 - headGroups.length - tailGroups.length);
  return [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups].map((group) => group.replace(/^0+(?=.)/, ""));
}
