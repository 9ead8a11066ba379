const encoder = new TextEncoder();
/** 3 UTF-8 bytes at most per UTF-16 unit, so a text up to a third of this always fits. */
const scratch = new Uint8Array(96 * 1024);

/**
 * UTF-8 bytes of `text`, without allocating them: counted by encoding into one reused buffer
 * (a tenth of the cost of `encode(text).byteLength` for a typical event), or by `encode` for a
 * text too long to be sure it fits.
 */
export function utf8Length(text: string): number {
  return text.length * 3 <= scratch.length ? encoder.encodeInto(text, scratch).written : encoder.encode(text).byteLength;
}
