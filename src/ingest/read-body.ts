import { ApiError } from "../http/api-error";

/**
 * Reads a request body as JSON, whatever the client's content type (`text/plain` from browsers
 * avoiding preflight, `application/json` from servers), inflating gzip bodies and stopping at
 * `maxBytes` of decoded JSON so an oversized or zip-bomb body costs nothing further.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  if (!request.body) throw new ApiError(400, "The request has no body: send the event as JSON.");

  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  // workers-types declares request bodies as ReadableStream<any>; they are bytes.
  let stream = request.body as ReadableStream<Uint8Array>;
  if (encoding === "gzip" || encoding === "x-gzip") {
    stream = stream.pipeThrough(new DecompressionStream("gzip"));
  } else if (encoding === "deflate") {
    stream = stream.pipeThrough(new DecompressionStream("deflate"));
  } else if (encoding !== "identity" && encoding !== "") {
    throw new ApiError(415, `Content-Encoding ${encoding} is not supported: send gzip or no encoding.`);
  }

  const compressed = encoding !== "identity" && encoding !== "";
  const text =
    !compressed && declaresLengthWithin(request, maxBytes) ? await readDeclaredText(request, maxBytes) : await readTextUpTo(stream, maxBytes, compressed);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "The body is not valid JSON: check the payload's syntax.");
  }
}

function declaresLengthWithin(request: Request, maxBytes: number): boolean {
  const declared = request.headers.get("content-length");
  return declared !== null && /^\d{1,9}$/.test(declared) && Number(declared) <= maxBytes;
}

/**
 * A plain body whose Content-Length is within the limit, read in one call: HTTP framing holds the
 * body to the length it declared, so it need not be counted chunk by chunk (the check after the
 * read only guards a caller inside the runtime, such as a service binding, that declared less).
 */
async function readDeclaredText(request: Request, maxBytes: number): Promise<string> {
  let text: string;
  try {
    text = await request.text();
  } catch {
    throw new ApiError(400, "The body could not be read.");
  }
  if (text.length > maxBytes) throw overLimit(maxBytes); // UTF-16 units: never more than the UTF-8 bytes
  return text;
}

const overLimit = (maxBytes: number) => new ApiError(400, `The body is over the ${Math.round(maxBytes / 1024)} KB limit: split it into smaller batches.`);

async function readTextUpTo(stream: ReadableStream<Uint8Array>, maxBytes: number, compressed: boolean) {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw overLimit(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, compressed ? "The gzip body could not be inflated: check its encoding." : "The body could not be read.");
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
