import { expect } from "vitest";
import type { Answer } from "./client";

/**
 * What every answer to hostile input must be: never a 5xx; a 4xx says what was wrong, in the
 * shape of the API that answered (`{success:false, error}` for the Tracking and admin APIs,
 * `{error:{code,message}}` for the Profile API). workerd's own HTTP layer refuses a request line
 * or headers it cannot take (414, 431) before the Worker runs, with a plain-text reason.
 */

export function errorMessageOf(answer: Answer): string | undefined {
  const json = answer.json as { error?: unknown } | undefined;
  if (typeof json?.error === "string") return json.error;
  const nested = json?.error as { message?: unknown } | undefined;
  if (typeof nested?.message === "string") return nested.message;
  if (answer.status === 414 || answer.status === 431) return answer.text.trim() || undefined;
  return undefined;
}

/** Asserts the answer is not a 5xx and that a 4xx carries a message; answers that message. */
export function expectHandled(answer: Answer, what: string): string | undefined {
  const shown = `${what} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, shown).toBeGreaterThanOrEqual(200);
  expect(answer.status, shown).toBeLessThan(500);
  if (answer.status < 400) return undefined;
  const message = errorMessageOf(answer);
  expect(message, `${shown}: a refusal must say what was wrong`).toBeTruthy();
  expect(message!.length, shown).toBeGreaterThan(10);
  return message;
}

/** A refusal (400 unless said) naming `field` (the API's `field`, or the message mentioning it when none is given). */
export function expectRefusedNaming(answer: Answer, field: string, what: string, message?: RegExp, status = 400): void {
  const text = expectHandled(answer, what);
  const shown = `${what} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, shown).toBe(status);
  const json = answer.json as { field?: unknown } | undefined;
  if (typeof json?.field === "string") expect(json.field, shown).toBe(field);
  else if (field !== "") expect(text, shown).toContain(field);
  if (message) expect(text, shown).toMatch(message);
}

/** JSON with keys sorted, so two values compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Headers larger than this may be refused by closing the connection (see `Answer.reset`). */
const OVERSIZED_HEADER_BYTES = 32 * 1024;

/**
 * True when the server closed the connection instead of answering, which is a refusal only for
 * an oversized `header`; any other reset fails the test.
 */
export function refusedByClosing(answer: Answer, header: string | undefined, what: string): boolean {
  if (!answer.reset) return false;
  expect(header?.length ?? 0, `${what}: ${answer.text}`).toBeGreaterThan(OVERSIZED_HEADER_BYTES);
  return true;
}
