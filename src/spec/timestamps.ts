/**
 * Clock-skew correction as Segment documents it ("Spec: Timestamps"):
 * `timestamp = receivedAt - (sentAt - originalTimestamp)` when the client sent `sentAt`,
 * otherwise the client's `timestamp`, otherwise `receivedAt`.
 */
export interface EventTimes {
  timestamp: string;
  originalTimestamp?: string;
}

export function correctTimestamp(input: {
  receivedAt: Date;
  sentAt?: string;
  clientTimestamp?: string;
}): EventTimes {
  const { receivedAt, sentAt, clientTimestamp } = input;
  if (clientTimestamp === undefined) return { timestamp: receivedAt.toISOString() };

  const original = Date.parse(clientTimestamp);
  const sent = sentAt === undefined ? NaN : Date.parse(sentAt);
  if (Number.isNaN(sent)) {
    return { timestamp: new Date(original).toISOString(), originalTimestamp: clientTimestamp };
  }
  const corrected = receivedAt.getTime() - (sent - original);
  return { timestamp: new Date(corrected).toISOString(), originalTimestamp: clientTimestamp };
}

/** ISO-8601 date-time as JavaScript can parse it; used to reject junk before it is archived. */
export function isIsoDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) &&
    !Number.isNaN(Date.parse(value));
}
