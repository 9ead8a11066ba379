import type { EmbeddedSettings } from "../sdk/types";

/**
 * JSON that is safe inside a script: `<`, `>` and `&` as \u escapes, so no `</script>` or `<!--`
 * can appear even if the bundle is ever inlined in HTML, and U+2028/U+2029, which end a line in
 * JavaScript before ES2019 (the SDK still runs in Safari 11.1 and Firefox 58, which predate it).
 * The result is still valid JSON and a valid JavaScript expression with the same value.
 */
export function toScriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The served analytics.js: the minified SDK in a function whose parameter is the free identifier
 * `__sluice` the SDK reads. The newline keeps a trailing `//` comment from swallowing the `}`.
 */
export function wrapSdk(sdkSource: string, settings: EmbeddedSettings): string {
  return `(function(__sluice){${sdkSource}\n})(${toScriptJson(settings)});`;
}

/**
 * The settings for a source served on `requestUrl`'s host. On Cloudflare the request URL is the
 * one the browser used (scheme included), so `X-Forwarded-Proto` is ignored: any client can send
 * it, and nothing here should depend on a header a proxy did not vouch for.
 */
export function embeddedSettingsFor(source: { id: string; writeKey: string }, requestUrl: URL, cookieDomain: string, version: string): EmbeddedSettings {
  return {
    writeKey: source.writeKey,
    apiHost: `${requestUrl.protocol}//${requestUrl.host}/v1`,
    cookieDomain,
    sourceId: source.id,
    version,
  };
}
