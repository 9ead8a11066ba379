/** Shapes shared by the SDK's modules. Kept loose: the SDK passes user data through untouched. */
export type Dict = Record<string, unknown>;
export type Callback = (ctx?: Context) => void;

/** What the edge embeds in the served bundle (see src/sdk-serving). */
export interface EmbeddedSettings {
  writeKey: string;
  /** Absolute Tracking API base, e.g. `https://data.example.com/v1`. */
  apiHost: string;
  /** Registrable domain of the Sluice host, or "" for host-only cookies (localhost, IPs). */
  cookieDomain: string;
  sourceId: string;
  version: string;
}

export interface CookieOptions {
  domain?: string;
  /** Days, as analytics.js names it. */
  maxage?: number;
  path?: string;
  sameSite?: string;
  secure?: boolean;
}

export interface ConsentOptions {
  categoryPreferences?: Record<string, boolean>;
  /** `opt-in`: nothing is sent until preferences are known; `opt-out` (default): send at once. */
  model?: "opt-in" | "opt-out";
}

export interface LoadOptions {
  initialPageview?: boolean;
  cookie?: CookieOptions;
  consent?: ConsentOptions;
  /** Override the Tracking API base (the embedded one is this host's). */
  apiHost?: string;
  flushAt?: number;
  flushInterval?: number;
}

/**
 * A call's options argument, as analytics.js documents it. It comes from page code and is not
 * checked: like analytics.js, the SDK trusts these fields and passes anything else over.
 */
export interface CallOptions {
  integrations?: Dict;
  context?: Dict;
  timestamp?: string | number | Date;
  anonymousId?: string;
  traits?: Dict;
}

/** An event as the SDK builds and queues it; the fields it reads back are named. */
export interface SegmentEvent extends Dict {
  type: string;
  messageId: string;
  context?: Dict;
  integrations?: Dict;
}

export interface Context {
  event: Dict;
}

/** The buffered page context the Segment snippet appends to calls made before load. */
export interface BufferedPage {
  __t: "bpc";
  c?: string;
  p: string;
  u: string;
  s: string;
  t: string;
  r: string;
}
