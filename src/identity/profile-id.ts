/**
 * Profile ids (`segment_id`) in Segment's style: `use_` + 27 base62 characters, the shape of
 * `use_4paotyretuj4Ta2bEYQ0vKOq1e7` (ExternalIDs doc) and of the `map_0vKouKs2XyirgwMO4SmnDGaps7j`
 * cursor in the Profile API doc, which is a KSUID (Segment's own K-Sortable Unique ID: 4 bytes of
 * seconds since 2014-05-13T16:53:20Z, then 16 random bytes, base62, zero-padded to 27).
 *
 * A KSUID sorts by creation time as a string and carries 128 random bits, so ids minted by
 * different Durable Objects never collide and an id alone tells roughly when the profile began.
 * Time and randomness are passed in so tests are deterministic.
 */
export const SEGMENT_ID_PREFIX = "use_";

const KSUID_EPOCH_SECONDS = 1_400_000_000;
const KSUID_LENGTH = 27;
const PAYLOAD_BYTES = 16;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `randomBytes(n)` returns n random bytes, e.g. `(n) => crypto.getRandomValues(new Uint8Array(n))`. */
export function generateSegmentId(now: Date, randomBytes: (length: number) => Uint8Array): string {
  const seconds = Math.floor(now.getTime() / 1000) - KSUID_EPOCH_SECONDS;
  if (!(seconds >= 0 && seconds < 2 ** 32)) {
    throw new Error(`generateSegmentId: ${now.toISOString()} is outside the KSUID time range (2014 to 2150)`);
  }
  const payload = randomBytes(PAYLOAD_BYTES);
  if (payload.length !== PAYLOAD_BYTES) {
    throw new Error(`generateSegmentId: randomBytes returned ${payload.length} bytes, not ${PAYLOAD_BYTES}`);
  }

  let number = BigInt(seconds);
  for (const byte of payload) number = (number << 8n) | BigInt(byte);
  let encoded = "";
  while (number > 0n) {
    encoded = BASE62[Number(number % 62n)]! + encoded;
    number /= 62n;
  }
  return SEGMENT_ID_PREFIX + encoded.padStart(KSUID_LENGTH, "0");
}

export function isSegmentId(value: string): boolean {
  return /^use_[0-9A-Za-z]{27}$/.test(value);
}
