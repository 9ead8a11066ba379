import { z } from "zod";
import type { SealedValue } from "../sealed-settings";
import type { Subscription } from "./subscriptions";

/** OAuth tokens in `settings.oauth`, as Segment's framework reads them (parse-settings). */
export const oauthSchema = z
  .object({
    access_token: z.string().max(10_000).optional(),
    refresh_token: z.string().max(10_000).optional(),
    clientId: z.string().max(1_000).optional(),
    clientSecret: z.string().max(1_000).optional(),
    refresh_token_url: z.url().optional(),
  })
  .strict();

export type OAuthTokens = z.infer<typeof oauthSchema>;

/** An Actions destination's stored settings, split the way the framework reads them. */
export interface StoredActionsSettings {
  settings: Record<string, unknown>;
  subscriptions: Subscription[];
  /** Sealed at rest (src/destinations/sealed-settings.ts); plain only on the way in, before it is sealed. */
  oauth?: OAuthTokens | SealedValue;
}

/** The stored settings object: the destination's own settings, `subscriptions`, and `oauth` when it uses OAuth. */
export function splitSettings(stored: Record<string, unknown>): StoredActionsSettings {
  const { subscriptions, oauth, ...settings } = stored;
  return { settings, subscriptions: subscriptions as Subscription[], ...(oauth ? { oauth: oauth } : {}) };
}
