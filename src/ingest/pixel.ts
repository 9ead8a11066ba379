import { ApiError } from "../http/api-error";

/** The 1x1 transparent GIF the pixel API answers with. */
export const TRANSPARENT_GIF = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (c) => c.charCodeAt(0));

/**
 * Decodes the pixel API's `data` parameter: base64 (standard or URL-safe, padding optional)
 * of the event JSON, which carries the write key. A `+` turned into a space by a form encoder
 * is restored.
 */
export function decodePixelData(data: string | undefined): unknown {
  if (!data) throw new ApiError(400, "data is required: base64 of the event JSON, including writeKey.", "data");
  const base64 = data.trim().replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/");
  let json: string;
  try {
    json = new TextDecoder().decode(Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (c) => c.charCodeAt(0)));
  } catch {
    throw new ApiError(400, "data is not valid base64: encode the event JSON with base64.", "data");
  }
  try {
    return JSON.parse(json);
  } catch {
    throw new ApiError(400, "data does not decode to JSON: base64-encode the event's JSON text.", "data");
  }
}
