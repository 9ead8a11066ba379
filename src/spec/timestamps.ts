/**
 * Clock-skew correction as Segment documents it ("Spec: Timestamps"):
 * `timestamp = receivedAt - (sentAt - originalTimestamp)` when the client sent `sentAt`,
 * otherwise the client's `timestamp`, otherwise `receivedAt`.
 */
export interface EventTimes {
  timestamp: string;
  originalTimestamp?: string;
}

export function correctTimestamp(input: { receivedAt: Date; sentAt?: string; clientTimestamp?: string }): EventTimes {
  const { receivedAt, sentAt, clientTimestamp } = input;
  if (clientTimestamp === undefined) return { timestamp: receivedAt.toISOString() };

  const original = Date.parse(clientTimestamp);
  const sent = sentAt === undefined ? NaN : Date.parse(sentAt);
  const corrected = Number.isNaN(sent) ? original : receivedAt.getTime() - (sent - original);
  // A wild sentAt can push the correction past year 9999, which has no plain ISO form;
  // such a clock is not worth trusting, so the server's receivedAt stands in.
  const timestamp = isWithinIsoYears(corrected) ? corrected : receivedAt.getTime();
  return { timestamp: new Date(timestamp).toISOString(), originalTimestamp: clientTimestamp };
}

const MIN_ISO_MS = Date.parse("0000-01-01T00:00:00.000Z");
const MAX_ISO_MS = Date.parse("9999-12-31T23:59:59.999Z");

function isWithinIsoYears(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_ISO_MS && ms <= MAX_ISO_MS;
}

/** ISO-8601 date-time as JavaScript can parse it; used to reject junk before it is archived. */
export function isIsoDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value));
}
