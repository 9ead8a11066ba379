import { describe, expect, it } from "vitest";
import { beginAttempt, retryAfterSeconds, SIGN_IN_POLICY, throttleKeyFor } from "./sign-in-throttle";

const MINUTE = 60_000;
const T0 = 1_767_225_600_000;

/** Runs attempts at the given times through beginAttempt, as the object does. */
function run(times: number[]) {
  let attempts: number[] = [];
  return times.map((now) => {
    const verdict = beginAttempt(attempts, now, SIGN_IN_POLICY);
    attempts = verdict.attempts;
    return verdict;
  });
}

describe("the sign-in throttle", () => {
  it("allows 5 attempts in 15 minutes and refuses the 6th, until the oldest leaves the window", () => {
    const verdicts = run([T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE, T0 + 5 * MINUTE]);
    expect(verdicts.slice(0, 5).every((verdict) => verdict.allowed)).toBe(true);
    expect(verdicts[5]).toMatchObject({ allowed: false, retryAfterSeconds: 10 * 60 });
  });

  it("allows again once the window has passed the oldest attempt", () => {
    const times = [0, 1, 2, 3, 4].map((i) => T0 + i * MINUTE);
    const attempts = run(times).at(-1)!.attempts;
    expect(retryAfterSeconds(attempts, T0 + 15 * MINUTE - 1, SIGN_IN_POLICY)).toBe(1);
    expect(retryAfterSeconds(attempts, T0 + 15 * MINUTE, SIGN_IN_POLICY)).toBeNull();
    expect(beginAttempt(attempts, T0 + 15 * MINUTE, SIGN_IN_POLICY).allowed).toBe(true);
  });

  it("does not extend the wait for attempts refused while limited", () => {
    const times = [0, 0, 0, 0, 0, 1, 2, 3].map((i) => T0 + i * MINUTE);
    const verdicts = run(times);
    expect(verdicts.slice(5).map((verdict) => (verdict.allowed ? 0 : verdict.retryAfterSeconds))).toEqual([14 * 60, 13 * 60, 12 * 60]);
  });

  it("keeps at most maxFailures attempts", () => {
    expect(run([0, 1, 2, 3, 4, 5, 6, 7].map((i) => T0 + i)).at(-1)!.attempts).toHaveLength(5);
  });

  it("counts a client by IPv4 address, by IPv6 /64, IPv4-mapped IPv6 as IPv4", () => {
    expect(throttleKeyFor("203.0.113.7")).toBe("ip:203.0.113.7");
    expect(throttleKeyFor("::ffff:203.0.113.7")).toBe("ip:203.0.113.7");
    expect(throttleKeyFor("2001:db8:0:1::5")).toBe("ip6:2001:db8:0:1::/64");
    expect(throttleKeyFor("2001:0DB8:0000:0001:aaaa:bbbb:cccc:dddd")).toBe("ip6:2001:db8:0:1::/64");
    expect(throttleKeyFor("2001:db8::1")).toBe("ip6:2001:db8:0:0::/64");
    expect(throttleKeyFor("::1")).toBe("ip6:0:0:0:0::/64");
    expect(throttleKeyFor(undefined)).toBe("ip:unknown");
  });
});
