import { seal, sealingKey, unseal } from "../storage/sealed-secret";

/**
 * Settings values kept sealed at rest (src/storage/sealed-secret.ts): today an OAuth destination's
 * `settings.oauth` tokens, stored as `{ "sealed": "v1.…" }`, opened only while delivering.
 */
export interface SettingsSecrets {
  seal(purpose: string, plaintext: string): Promise<string>;
  open(purpose: string, sealed: string): Promise<string>;
}

/** Sealing with the `SECRETS_KEY` Worker secret; undefined when it is not set (nothing can then be sealed). */
export function settingsSecrets(env: { SECRETS_KEY?: string }): SettingsSecrets | undefined {
  const secret = env.SECRETS_KEY;
  if (!secret) return undefined;
  let key: Promise<CryptoKey> | null = null;
  const keyOnce = () => (key ??= sealingKey(secret));
  return {
    seal: async (purpose, plaintext) => seal(await keyOnce(), purpose, plaintext),
    open: async (purpose, sealed) => unseal(await keyOnce(), purpose, sealed),
  };
}

export const oauthPurpose = (type: string) => `oauth tokens of a ${type} destination`;

export interface SealedValue {
  sealed: string;
}

export const isSealed = (value: unknown): value is SealedValue =>
  typeof value === "object" && value !== null && typeof (value as { sealed?: unknown }).sealed === "string" && Object.keys(value).length === 1;

/**
 * Settings as they are stored: plain OAuth tokens sealed. Without SECRETS_KEY plain tokens are
 * refused rather than stored readable (the message says how to set it).
 */
export async function sealSettings(
  type: string,
  settings: Record<string, unknown>,
  secrets: SettingsSecrets | undefined,
): Promise<{ ok: true; settings: Record<string, unknown> } | { ok: false; field: string; message: string }> {
  const oauth = settings.oauth;
  if (oauth === undefined || isSealed(oauth)) return { ok: true, settings };
  if (!secrets) {
    return {
      ok: false,
      field: "settings.oauth",
      message: "settings.oauth: OAuth tokens are stored encrypted, which needs the SECRETS_KEY secret (wrangler secret put SECRETS_KEY).",
    };
  }
  return { ok: true, settings: { ...settings, oauth: { sealed: await secrets.seal(oauthPurpose(type), JSON.stringify(oauth)) } } };
}
