// Types of the module scripts/build-actions.mjs generates (segment-actions.bundle.cjs): Segment's
// Actions framework and destinations, bundled for Workers. Written here rather than imported from
// @segment/actions-core, whose declarations pull in Node's types, which clash with the Workers'.
// Only what Sluice uses is declared.

export interface FieldDefinition {
  label: string;
  description?: string;
  type: string;
  required?: boolean | object;
  multiple?: boolean;
  allowNull?: boolean;
  choices?: readonly (string | { label: string; value: unknown })[];
  default?: unknown;
  format?: string;
  placeholder?: string;
  properties?: Record<string, FieldDefinition>;
  dynamic?: unknown;
  unsafe_hidden?: boolean;
  [other: string]: unknown;
}

export interface ActionDefinition {
  title: string;
  description: string;
  defaultSubscription?: string;
  hidden?: boolean;
  fields: Record<string, FieldDefinition>;
  performBatch?: unknown;
}

export interface Subscription {
  name?: string;
  partnerAction: string;
  subscribe: string;
  mapping?: Record<string, unknown>;
}

export type Preset = (Subscription & { type: "automatic" }) | (Omit<Subscription, "subscribe"> & { type: "specificEvent"; eventSlug: string });

export interface DestinationDefinition {
  name: string;
  slug?: string;
  mode: string;
  description?: string;
  actions: Record<string, ActionDefinition>;
  presets?: readonly Preset[];
  authentication?: { scheme: "basic" | "custom" | "oauth2" | "oauth-managed"; fields: Record<string, FieldDefinition>; refreshAccessToken?: unknown };
  onDelete?: unknown;
}

export interface ActionResult {
  output?: unknown;
  data?: unknown;
  error?: unknown;
  multistatus?: readonly { status: number; errormessage?: string; errortype?: string; body?: unknown }[];
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken?: string;
}

export interface SubscriptionOptions {
  onTokenRefresh?: (tokens: RefreshedTokens) => Promise<void> | void;
}

export declare class Destination {
  constructor(definition: DestinationDefinition);
  definition: DestinationDefinition;
  authentication?: DestinationDefinition["authentication"];
  actions: Record<string, { hasBatchSupport: boolean }>;
  validateSettings(settings: Record<string, unknown>): void;
  onSubscription(
    subscription: Subscription,
    events: Record<string, unknown> | Record<string, unknown>[],
    settings: Record<string, unknown>,
    auth: { accessToken?: string; refreshToken?: string; refreshTokenUrl?: string },
    options?: SubscriptionOptions,
  ): Promise<ActionResult[]>;
  /** Present when the destination takes deletions (its definition's onDelete). */
  onDelete?(event: { userId?: string; anonymousId?: string }, settings: Record<string, unknown>): Promise<unknown>;
  /** Refreshes the OAuth tokens with the destination's own refresh, and answers the settings with them. */
  handleAuthError(settings: Record<string, unknown>, options?: SubscriptionOptions): Promise<Record<string, unknown>>;
}

export interface ParsedFql {
  error?: Error;
}

export declare const subscriptions: {
  parseFql(fql: string): ParsedFql;
  validate(parsed: ParsedFql, event: Record<string, unknown>): boolean;
};

/** Runs `run` with every request its actions make going to `fetcher`. */
export declare function runWithFetch<T>(fetcher: typeof fetch, run: () => Promise<T>): Promise<T>;

/** Every bundled destination by slug (its folder in @segment/action-destinations), evaluated on first call. */
export declare const destinations: Readonly<Record<string, () => DestinationDefinition>>;
