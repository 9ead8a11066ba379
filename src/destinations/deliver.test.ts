import { describe, expect, it } from "vitest";
import { deliverBatch, type AttemptRecord } from "./deliver";
import { BUILT_IN_TYPES } from "./types";
import { webhookSettings } from "./types/webhook";
import { webhookSignature } from "./webhook-signature";

describe("deliverBatch", () => {
  it("posts each event to a webhook, signed, and reads each answer as Segment's retry rules say", async () => {
    const seen: { headers: Headers; body: string }[] = [];
    const answers = [200, 503, 400];
    const fetcher = (async (url: string, init: RequestInit) => {
      const request = new Request(url, init);
      const text = await request.text();
      seen.push({ headers: request.headers, body: text });
      const body = JSON.parse(text) as { messageId: string };
      if (body.messageId === "m4") throw new TypeError("connection refused");
      return new Response("ok", { status: answers[Number(body.messageId.slice(1)) - 1] });
    }) as typeof fetch;
    const settings = webhookSettings.parse({ url: "https://hooks.example.com/in", sharedSecret: "s3cret", headers: { "X-Team": "data" } });
    const events = ["m1", "m2", "m3", "m4"].map((messageId) => ({ type: "track", event: "Viewed", messageId }));
    const results = await deliverBatch(BUILT_IN_TYPES.webhook!, settings, events, fetcher);

    expect(results.map((result) => result.outcome.kind)).toEqual(["delivered", "retry", "failed", "retry"]);
    const first = seen.find((request) => request.body.includes('"m1"'))!;
    expect(first.headers.get("X-Signature")).toBe(await webhookSignature("s3cret", first.body));
    expect(first.headers.get("X-Team")).toBe("data");
    expect(first.headers.get("Content-Type")).toBe("application/json");
  });

  it("reads Retry-After from a 429 or 503 answer, in seconds or as an HTTP date", async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const answers: Record<string, [number, string]> = { a: [429, "2"], b: [503, inAMinute], c: [500, "2"], d: [429, "whenever"] };
    const fetcher = ((_url: string, init: RequestInit) => {
      const [status, retryAfter] = answers[(JSON.parse(init.body as string) as { messageId: string }).messageId]!;
      return Promise.resolve(new Response(null, { status, headers: { "Retry-After": retryAfter } }));
    }) as typeof fetch;
    const results = await deliverBatch(
      BUILT_IN_TYPES.webhook!,
      webhookSettings.parse({ url: "https://hooks.example.com/in" }),
      ["a", "b", "c", "d"].map((messageId) => ({ messageId })),
      fetcher,
    );
    const asked = results.map(({ outcome }) => (outcome.kind === "retry" ? outcome.retryAfterSeconds : "not retried"));
    expect(asked[0]).toBe(2);
    expect(asked[1]).toBeGreaterThan(55);
    expect(asked[1]).toBeLessThanOrEqual(60);
    expect(asked.slice(2)).toEqual([undefined, undefined]);
  });

  it("batches a webhook into one array when asked, and records the request and answer", async () => {
    const attempts: AttemptRecord[] = [];
    const fetcher = (() => Promise.resolve(new Response("accepted", { status: 202 }))) as typeof fetch;
    const settings = webhookSettings.parse({ url: "https://hooks.example.com/in", batch: true });
    const results = await deliverBatch(BUILT_IN_TYPES.webhook!, settings, [{ messageId: "a" }, { messageId: "b" }], fetcher, (attempt) =>
      attempts.push(attempt),
    );
    expect(results.map((result) => result.outcome.kind)).toEqual(["delivered", "delivered"]);
    expect(attempts).toHaveLength(1);
    expect(JSON.parse(attempts[0]!.request.body)).toEqual([{ messageId: "a" }, { messageId: "b" }]);
    expect(attempts[0]!.response).toMatchObject({ status: 202, body: "accepted" });
  });

  it("forwards to a Segment-compatible endpoint through /v1/batch with the write key", async () => {
    let sent: Request | undefined;
    const fetcher = ((url: string, init: RequestInit) => {
      sent = new Request(url, init);
      return Promise.resolve(new Response("{}", { status: 200 }));
    }) as typeof fetch;
    await deliverBatch(
      BUILT_IN_TYPES.segment!,
      { endpoint: "https://sluice.example.com/", writeKey: "wk" },
      [{ messageId: "a", projectId: "src", receivedAt: "x", type: "track" }],
      fetcher,
    );
    expect(sent!.url).toBe("https://sluice.example.com/v1/batch");
    expect(sent!.headers.get("Authorization")).toBe(`Basic ${btoa("wk:")}`);
    expect((await sent!.json<{ batch: object[] }>()).batch).toEqual([{ messageId: "a", type: "track" }]);
  });
});
