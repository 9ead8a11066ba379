/** `X-Signature` of a webhook delivery: hex(HMAC-SHA1(sharedSecret, body)), as Segment's webhooks sign. */
export async function webhookSignature(sharedSecret: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(sharedSecret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return [...signature].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
