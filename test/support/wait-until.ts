/**
 * The one way the suites wait for something, in workerd (integration) and in Node (e2e,
 * browser): poll observable state until it is what the test expects. It never returns quietly on
 * timeout, so a test that waited in vain fails here, naming what it waited for and what it saw
 * last, instead of further down on an assertion about stale state.
 *
 * Tests do not sleep for a fixed time: to check that something does *not* happen, wait instead
 * for something the code under test does after it would have happened (a later sentinel event
 * through the same path, a counter reaching its final value), then assert it is absent.
 */

export interface WaitOptions<T> {
  /** How long to keep polling (default 10 s: DESIGN.md's bound on archive visibility). */
  timeoutMs?: number;
  /** Pause between two probes (default 200 ms). */
  intervalMs?: number;
  /** How the last value is shown in the error (default: JSON, cut at 1,000 characters). */
  describe?: (value: T) => string;
}

/**
 * Calls `probe` until `done(value)` holds and answers that value. Throws an Error naming `what`,
 * the timeout and the last value seen (or the probe's last error) when `timeoutMs` passes first.
 * A probe that throws is tried again until the timeout: the state it reads may not exist yet.
 */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, options: WaitOptions<T> = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 200, describe = describeValue } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await settledBy(probe(), deadline, what);
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(intervalMs, deadline - Date.now()))));
  }
  const seen = last === undefined ? "nothing" : "error" in last ? `an error: ${errorText(last.error)}` : describe(last.value);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}

/** A probe that never settles (a hung request) still ends the wait at the deadline. */
async function settledBy<T>(value: T | Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the probe for ${what} did not answer`)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([value, late]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 1_000 ? `${text.slice(0, 1_000)}… (${text.length} characters)` : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
