import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";

/**
 * Request bodies broken below the JSON level: truncated text, bytes that are not UTF-8 (WTF-8
 * lone surrogates, overlongs, stray continuation bytes), JSON that is not an object, byte order
 * marks, any Content-Type, and Content-Encodings from fine to hostile (truncated or mislabelled
 * streams, encodings Sluice does not take). Not bodies over the 500 KB limit: see
 * hostile-tracking.test.ts for why they are checked in workerd.
 */

export interface RawBody {
  /** The bytes before any Content-Encoding. */
  bytes: Buffer;
  /** The Content-Encoding applied to them, if any. */
  encode?: (bytes: Buffer) => Buffer;
  headers: Record<string, string>;
  /** `accept`: the server reads the bytes as a WHATWG TextDecoder decodes them, as JSON. */
  expect: { accept: true } | { accept: false; status: number; message: RegExp; field?: string };
  note: string;
}

/** Byte sequences that are not UTF-8 (or are, around them); all ≥ 0x80, so JSON syntax stays intact. */
const badUtf8 = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x80, max: 0xbf }).map((byte) => [byte]), // a continuation byte alone
      fc.constantFrom([0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf0, 0x80, 0x80, 0xaf]), // overlong "/"
      fc.tuple(fc.integer({ min: 0xa0, max: 0xbf }), fc.integer({ min: 0x80, max: 0xbf })).map(([b, c]) => [0xed, b, c]), // WTF-8 lone surrogate
      fc.constantFrom([0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xfe], [0xff], [0xf4, 0x90, 0x80, 0x80]), // cut short, never valid, past U+10FFFF
      fc.constantFrom([0xc3, 0xa9], [0xf0, 0x9f, 0x98, 0x80], [0xe2, 0x80, 0xa8]), // valid: é, 😀, U+2028
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => Buffer.from(parts.flat()));

/** `text` with `mark` (a JSON string's content) replaced by raw bytes. */
function withBytes(text: string, mark: string, bytes: Buffer): Buffer {
  const at = text.indexOf(mark);
  return Buffer.concat([Buffer.from(text.slice(0, at)), bytes, Buffer.from(text.slice(at + mark.length))]);
}

const JSON_TYPE = { "Content-Type": "application/json" };

/**
 * Raw bodies built from `text`, the valid JSON of a request (one event, or a batch). `withRaw`
 * is that JSON with one string value written as `RAW_MARK`, where bad bytes go.
 */
export function rawBodyOf(text: string, withRaw: string, kind: "single" | "batch"): fc.Arbitrary<RawBody> {
  const accepted = (bytes: Buffer, headers: Record<string, string>, note: string, encode?: (bytes: Buffer) => Buffer): RawBody => ({
    bytes,
    ...(encode ? { encode } : {}),
    headers,
    expect: { accept: true },
    note,
  });
  const refused = (
    bytes: Buffer,
    headers: Record<string, string>,
    status: number,
    message: RegExp,
    note: string,
    { field, encode }: { field?: string; encode?: (bytes: Buffer) => Buffer } = {},
  ): RawBody => ({
    bytes,
    ...(encode ? { encode } : {}),
    headers,
    expect: { accept: false, status, message, ...(field === undefined ? {} : { field }) },
    note,
  });
  const plain = Buffer.from(text);

  const truncated = fc.integer({ min: 0, max: plain.length - 1 }).map((cut) =>
    // Any strict prefix of an object's JSON is not JSON (an empty one is no body at all).
    refused(plain.subarray(0, cut), JSON_TYPE, 400, /not valid JSON|no body/, `cut after ${cut} of ${plain.length} bytes`),
  );
  const notUtf8 = badUtf8.map((bytes) => accepted(withBytes(withRaw, RAW_MARK, bytes), JSON_TYPE, `bytes ${bytes.toString("hex")} in a string`));
  const notAnObject = fc
    .constantFrom("null", "[]", "[{}]", "1", '"event"', "true")
    .map((json) =>
      refused(Buffer.from(json), JSON_TYPE, 400, kind === "single" ? /must be a JSON object/ : /JSON object with a `batch` array/, `body ${json}`),
    );
  const badEnvelope = fc
    .constantFrom(
      { json: "{}", message: /batch is required/ },
      { json: '{"batch":{}}', message: /batch is required/ },
      { json: '{"batch":[]}', message: /batch is empty/ },
      { json: `{"batch":[${Array(2_501).fill("{}").join(",")}]}`, message: /over the limit of 2500/ },
    )
    .map(({ json, message }) => refused(Buffer.from(json), JSON_TYPE, 400, message, json.slice(0, 30), { field: "batch" }));
  const byteOrderMark = fc.constant(accepted(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]), JSON_TYPE, "a UTF-8 byte order mark first"));
  const anyContentType = fc
    .constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "image/gif", "")
    .map((type) => accepted(plain, type === "" ? {} : { "Content-Type": type }, `Content-Type ${JSON.stringify(type)}`));
  const gzip = (bytes: Buffer) => gzipSync(bytes);
  const encodings = fc.oneof(
    fc.constantFrom("gzip", "x-gzip", "GZIP", " gzip ").map((name) => accepted(plain, { ...JSON_TYPE, "Content-Encoding": name }, `${name} body`, gzip)),
    fc.constant(accepted(plain, { ...JSON_TYPE, "Content-Encoding": "deflate" }, "deflate body", (bytes) => deflateSync(bytes))),
    fc.constant(accepted(plain, { ...JSON_TYPE, "Content-Encoding": "identity" }, "identity encoding")),
    fc.integer({ min: 1, max: 30 }).map((cut) =>
      refused(plain, { ...JSON_TYPE, "Content-Encoding": "gzip" }, 400, /inflated|not valid JSON/, `gzip cut at ${cut}`, {
        encode: (bytes) => gzip(bytes).subarray(0, cut),
      }),
    ),
    fc.constant(refused(plain, { ...JSON_TYPE, "Content-Encoding": "gzip" }, 400, /inflated/, "plain JSON labelled gzip")),
    fc.constant(refused(plain, { ...JSON_TYPE, "Content-Encoding": "deflate" }, 400, /inflated/, "gzip labelled deflate", { encode: gzip })),
    fc
      .constantFrom("br", "compress", "zstd", "gzip, gzip", "gzip, identity", "*", "gzip;q=1")
      .map((name) => refused(plain, { ...JSON_TYPE, "Content-Encoding": name }, 415, /not supported/, `Content-Encoding ${name}`)),
  );
  return fc.oneof(truncated, notUtf8, kind === "single" ? notAnObject : fc.oneof(notAnObject, badEnvelope), byteOrderMark, anyContentType, encodings);
}

/** Where bad bytes go in `withRaw` texts. */
export const RAW_MARK = "RAW_BYTES_HERE";
