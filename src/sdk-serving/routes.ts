import { Hono, type Context } from "hono";
import { cors } from "hono/cors";
import type { HonoEnv } from "../env";
import { buildIdentityCookies, cookieScopeFor, identityForBundle } from "../first-party/identity-cookies";
import { SDK_BUILD_ID, SDK_SOURCE, SDK_VERSION } from "../sdk/bundle.generated";
import { waitUntilOf } from "../http/wait-until";
import { SourceCache } from "../sources/source-cache";
import { SourceStore } from "../sources/source-store";
import { SCRIPT_ALIAS_PATTERN, type Source } from "../sources/source";
import { getBuiltBundle, matchesIfNoneMatch } from "./bundle-cache";
import { buildCdnSettings } from "./cdn-settings";
import { embeddedSettingsFor, wrapSdk } from "./embed-settings";

/**
 * Serving the browser side: Sluice's analytics.js with its source's settings embedded (by write
 * key, or by a neutral per-source alias), and the settings JSON @segment/analytics-next loads.
 */
export const sdkServing = new Hono<HonoEnv>();

/**
 * `private`: the response sets the visitor's identity cookies, so a shared cache must never
 * store it (it would hand one visitor's anonymousId to everyone). The browser may reuse it for 5
 * minutes and revalidate in the background for a day; revalidation is a 304 by ETag that still
 * refreshes the cookies. The body itself is built once per isolate (bundle-cache.ts).
 */
const BUNDLE_CACHE_CONTROL = "private, max-age=300, stale-while-revalidate=86400";

/** Write keys are base62 (or `dev_write_key`); anything else is answered without a look-up. */
const isPlausibleWriteKey = (key: string) => /^[\w.~-]{1,200}$/.test(key);

const sourcesOf = (c: Context<HonoEnv>) => new SourceCache(new SourceStore(c.env.DB), undefined, waitUntilOf(c));

sdkServing.get("/analytics.js/v1/:writeKey/analytics.min.js", async (c) => {
  const writeKey = c.req.param("writeKey");
  return serveBundle(c, isPlausibleWriteKey(writeKey) ? await sourcesOf(c).findByWriteKey(writeKey) : null);
});

sdkServing.get("/s/:file", async (c) => {
  const alias = c.req.param("file").replace(/\.js$/, "");
  const valid = c.req.param("file").endsWith(".js") && SCRIPT_ALIAS_PATTERN.test(alias);
  return serveBundle(c, valid ? await sourcesOf(c).findByScriptAlias(alias) : null);
});

// Public settings: any page may read them, without cookies. This sub-app is mounted before the
// Tracking API, so this CORS answers /v1/projects/* instead of the Tracking API's credentialed one.
sdkServing.use("/v1/projects/*", cors({ origin: "*", allowMethods: ["GET", "OPTIONS"], maxAge: 86_400 }));

sdkServing.get("/v1/projects/:writeKey/settings", async (c) => {
  const writeKey = c.req.param("writeKey");
  const source = isPlausibleWriteKey(writeKey) ? await sourcesOf(c).findByWriteKey(writeKey) : null;
  const noStore = { "Cache-Control": "no-store" };
  if (!source) {
    return c.json({ success: false, error: "Unknown write key: check the source's write key in Sluice." }, 404, noStore);
  }
  if (!source.enabled) {
    return c.json({ success: false, error: "This source is disabled: enable it in Sluice to load its settings." }, 403, noStore);
  }
  return c.json(buildCdnSettings(source.writeKey, new URL(c.req.url)), 200, { "Cache-Control": "public, max-age=300" });
});

/**
 * The bundle for a source. Unknown → 404 and disabled → 403 (as the Tracking API answers a
 * disabled source), each with a JavaScript comment that says what to do and echoes nothing from
 * the request. A hit also sets the identity cookies (identity-cookies.ts), on 304s too.
 */
async function serveBundle(c: Context<HonoEnv>, source: Source | null): Promise<Response> {
  if (!source) return scriptError(404, "unknown write key or script alias: copy the snippet from the source in Sluice.");
  if (!source.enabled) return scriptError(403, "this source is disabled: enable it in Sluice to load analytics.js.");

  const url = new URL(c.req.url);
  const scope = cookieScopeFor(url);
  const bundle = await getBuiltBundle(`${SDK_BUILD_ID}\n${url.origin}\n${source.writeKey}`, () =>
    wrapSdk(SDK_SOURCE, embeddedSettingsFor(source, url, scope.domain, SDK_VERSION)),
  );
  const headers = new Headers({
    "Content-Type": "application/javascript; charset=utf-8",
    "Cache-Control": BUNDLE_CACHE_CONTROL,
    ETag: bundle.etag,
    "X-Content-Type-Options": "nosniff",
  });
  const identity = identityForBundle(c.req.header("cookie"), () => crypto.randomUUID());
  for (const cookie of buildIdentityCookies(identity, scope)) headers.append("Set-Cookie", cookie);

  if (matchesIfNoneMatch(c.req.header("if-none-match"), bundle.etag)) {
    headers.delete("Content-Type");
    return new Response(null, { status: 304, headers });
  }
  return new Response(bundle.body, { status: 200, headers });
}

function scriptError(status: 403 | 404, message: string): Response {
  return new Response(`/* Sluice: ${message} */\n`, {
    status,
    headers: {
      "Content-Type": "application/javascript; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
