/**
 * The fetcher every destination request goes through. With the test hooks on (`SLUICE_TEST_HOOKS`
 * is `1`, which neither `npm run dev` nor a deployment sets) and `OUTBOUND_ORIGIN` given, each
 * request goes to that origin instead, same path and query, with its original URL in
 * `X-Original-URL` (DESIGN.md, local development contract): so tests can watch what Segment's
 * destinations would send to Amplitude or Braze without the internet. Otherwise the hook is ignored.
 */
export function outboundFetch(env: { SLUICE_TEST_HOOKS?: string; OUTBOUND_ORIGIN?: string }, fetcher: typeof fetch = fetch): typeof fetch {
  const origin = env.SLUICE_TEST_HOOKS === "1" ? env.OUTBOUND_ORIGIN : undefined;
  if (!origin) return fetcher;
  const target = new URL(origin);
  return (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const original = new URL(request.url);
    const redirected = new URL(`${original.pathname}${original.search}`, target);
    const headers = new Headers(request.headers);
    headers.set("X-Original-URL", request.url);
    return fetcher(new Request(redirected, { method: request.method, headers, body: request.body, redirect: "manual", signal: request.signal }));
  };
}
