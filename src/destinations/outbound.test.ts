import { describe, expect, it } from "vitest";
import { outboundFetch } from "./outbound";

function recorder() {
  const seen: { url: string; method: string; originalUrl: string | null; body: string }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, method: request.method, originalUrl: request.headers.get("X-Original-URL"), body: await request.text() });
    return new Response("ok");
  }) as typeof fetch;
  return { fetcher, seen };
}

describe("the outbound fetcher", () => {
  it("with the test hooks on, sends every request to OUTBOUND_ORIGIN, same path and query, the original URL in X-Original-URL", async () => {
    const { fetcher, seen } = recorder();
    const send = outboundFetch({ SLUICE_TEST_HOOKS: "1", OUTBOUND_ORIGIN: "http://127.0.0.1:9999" }, fetcher);
    await send("https://api2.amplitude.com/2/httpapi?x=1", { method: "POST", body: '{"a":1}', headers: { "Content-Type": "application/json" } });
    expect(seen).toEqual([
      { url: "http://127.0.0.1:9999/2/httpapi?x=1", method: "POST", originalUrl: "https://api2.amplitude.com/2/httpapi?x=1", body: '{"a":1}' },
    ]);
  });

  it("ignores OUTBOUND_ORIGIN unless SLUICE_TEST_HOOKS is 1, as every deployment runs", async () => {
    for (const hooks of [undefined, "", "0", "true"]) {
      const { fetcher, seen } = recorder();
      await outboundFetch({ SLUICE_TEST_HOOKS: hooks, OUTBOUND_ORIGIN: "http://127.0.0.1:9999" }, fetcher)("https://api2.amplitude.com/2/httpapi");
      expect(seen.map((request) => [request.url, request.originalUrl])).toEqual([["https://api2.amplitude.com/2/httpapi", null]]);
    }
  });
});
