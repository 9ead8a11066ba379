import { detectCookieDomain } from "./cookie-domain";
import type { CookieOptions, Dict } from "./types";

/**
 * Identity persistence compatible with analytics.js installs: cookies first (`ajs_*`), with a
 * localStorage mirror. Old analytics.js wrote JSON-quoted cookie values; both forms are read,
 * plain ones written. A cookie is written only when its value changes, so a cookie the server
 * set (full lifetime, not Safari's 7-day cap for script-written ones) is never overwritten.
 * `Values` says what each key holds: ids (strings, cookies too) or traits (objects, kept out of
 * cookies). What is read back is trusted to be what this SDK or analytics.js wrote there.
 */
export interface Store<Values extends Record<string, string | Dict>> {
  get<Key extends keyof Values & string>(key: Key): Values[Key] | undefined;
  set<Key extends keyof Values & string>(key: Key, value: Values[Key], cookie?: boolean): void;
  remove(key: keyof Values & string): void;
  /**
   * Puts back the cookies this tab changed after `since`: a response to a request sent before
   * the change refreshes the value the request carried, which is no longer the visitor's.
   */
  repairChangedSince(since: number): void;
}

export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(/;\s*/)) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) !== name) continue;
    let value = part.slice(eq + 1);
    try {
      value = decodeURIComponent(value);
      if (value[0] === '"') value = JSON.parse(value) as string;
    } catch {
      /* keep the raw value */
    }
    return value;
  }
}

function safeJson(text: string | null | undefined): unknown {
  try {
    return text == null ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

export function createStore<Values extends Record<string, string | Dict>>(embeddedDomain: string, options: CookieOptions = {}): Store<Values> {
  const { path = "/", sameSite = "Lax", secure = location.protocol === "https:", maxage = 365 } = options;
  const attributes = (domain: string, maxAgeSeconds: number) =>
    `; max-age=${maxAgeSeconds}; path=${path}; samesite=${sameSite}` + (domain ? `; domain=${domain}` : "") + (secure ? "; secure" : "");

  const probe = (domain: string) => {
    document.cookie = `ajs_probe=1${attributes(domain, 60)}`;
    const ok = readCookie(document.cookie, "ajs_probe") === "1";
    document.cookie = `ajs_probe=${attributes(domain, 0)}`;
    return ok;
  };
  const domain = options.domain ?? detectCookieDomain(location.hostname, embeddedDomain, probe);
  const maxAge = Math.round(maxage * 86400);
  const local = (() => {
    try {
      return localStorage;
    } catch {
      return undefined; // blocked storage: cookies and memory still work
    }
  })();
  const memory: Partial<Values> = {};
  /** What this tab last wrote to each cookie (null: removed) and when. */
  const written: Record<string, { value: string | null; at: number }> = {};
  const writeCookie = (key: string, value: string | null) => {
    written[key] = { value, at: Date.now() };
    document.cookie = `${key}=${value === null ? attributes(domain, 0) : encodeURIComponent(value) + attributes(domain, maxAge)}`;
  };

  const mirrored = (key: string) => safeJson(local?.getItem(key));
  return {
    get(key) {
      return (readCookie(document.cookie, key) ?? mirrored(key) ?? memory[key]) as Values[typeof key] | undefined;
    },
    set(key, value, cookie = true) {
      memory[key] = value;
      try {
        local?.setItem(key, JSON.stringify(value));
      } catch {
        /* full or blocked */
      }
      // Only ids are cookies (`cookie` is false for traits), and ids are strings.
      if (cookie && readCookie(document.cookie, key) !== value) writeCookie(key, value as string);
    },
    remove(key) {
      delete memory[key];
      local?.removeItem(key);
      writeCookie(key, null);
    },
    repairChangedSince(since) {
      for (const [key, { value, at }] of Object.entries(written)) {
        if (at >= since && (readCookie(document.cookie, key) ?? null) !== value) writeCookie(key, value);
      }
    },
  };
}
