/** Shapes shared by the SDK's modules. Kept loose: the SDK passes user data through untouched. */
export type Dict = Record<string, any>;
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
