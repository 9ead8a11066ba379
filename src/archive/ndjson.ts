/** Gzip NDJSON from lines that are each one serialized JSON value: the archive's object format. */
export async function encodeNdjsonGzip(lines: readonly string[]): Promise<Uint8Array> {
  const text = lines.join("\n") + "\n";
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Yields each non-empty line of a gzip NDJSON stream without holding the whole object. */
export async function* readNdjsonGzipLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.pipeThrough(new DecompressionStream("gzip")).pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim()) yield line;
      newline = pending.indexOf("\n");
    }
  }
  if (pending.trim()) yield pending;
}
