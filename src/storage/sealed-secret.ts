import { decodeBase64Url, encodeBase64Url } from "../console/base64url";

/**
 * Secrets kept encrypted at rest (an OAuth destination's tokens): AES-256-GCM under a key derived
 * from the `SECRETS_KEY` Worker secret, a fresh 96-bit IV per seal, the purpose bound as
 * additional data so a sealed value cannot be moved to another use. `v1.<iv>.<ciphertext>`.
 */
const VERSION = "v1";

export async function sealingKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("sluice sealed secrets v1") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function seal(key: CryptoKey, purpose: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(purpose) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}.${encodeBase64Url(iv)}.${encodeBase64Url(new Uint8Array(ciphertext))}`;
}

/** The plaintext, or an Error saying why it cannot be read (another key, another purpose, tampered). */
export async function unseal(key: CryptoKey, purpose: string, sealed: string): Promise<string> {
  const [version, iv, ciphertext] = sealed.split(".");
  const ivBytes = iv === undefined ? null : decodeBase64Url(iv);
  const cipherBytes = ciphertext === undefined ? null : decodeBase64Url(ciphertext);
  if (version !== VERSION || !ivBytes || !cipherBytes) throw new Error("not a sealed secret");
  try {
    const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: ivBytes, additionalData: new TextEncoder().encode(purpose) }, key, cipherBytes);
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new Error("the sealed secret does not open with SECRETS_KEY (was the key changed?)");
  }
}
