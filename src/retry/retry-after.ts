/**
 * What a `Retry-After` header asks (RFC 9110 §10.2.3): `delay-seconds` (digits only) or an
 * HTTP-date, turned into seconds from `now` (epoch ms). A date already past asks for 0; an
 * absent or unreadable value asks for nothing (null), and the caller's own backoff applies.
 * One parser for live delivery, replay and the browser SDK, so they all read a destination the
 * same way.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse reads almost anything ("1", "-5", "May"): an HTTP-date in any of its three
  // formats (IMF-fixdate, RFC 850, asctime) always carries an hh:mm:ss time, so require one.
  if (!/\b\d{2}:\d{2}:\d{2}\b/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}
