import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardForMessageId } from "../../src/dedupe/shards";
import { app } from "../../workers/app";
import { waitForArchived } from "../support/workerd/archive";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };
const basic = (writeKey: string) => `Basic ${btoa(`${writeKey}:`)}`;

async function createSource(name = "Test source") {
  const response = await app.request("/api/v1/sources", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) }, env);
  expect(response.status).toBe(201);
  return (await response.json<{ source: { id: string; writeKey: string; name: string; enabled: boolean } }>()).source;
}

/** A messageId (`<prefix>-<n>`) that the dedupe stage puts on the same shard as `messageId`. */
function sameShardMessageId(messageId: string, prefix: string): string {
  for (let n = 0; ; n += 1) if (shardForMessageId(`${prefix}-${n}`) === shardForMessageId(messageId)) return `${prefix}-${n}`;
}

const send = (path: string, body: unknown, init: RequestInit = {}, bindings: object = env) =>
  app.request(path, { method: "POST", body: JSON.stringify(body), ...init }, bindings);

describe("Tracking API in workerd", () => {
  it("accepts every call, route and short alias, and archives each event once, enriched", async () => {
    const startedAt = Date.now();
    const source = await createSource();
    const auth = { Authorization: basic(source.writeKey), "CF-Connecting-IP": "203.0.113.7" };
    const calls: [string, object][] = [
      ["/v1/track", { userId: "u1", event: "Signed Up", messageId: "t-long" }],
      ["/v1/t", { userId: "u1", event: "Clicked", messageId: "t-short" }],
      ["/v1/identify", { userId: "u1", traits: { plan: "pro" }, messageId: "i-long" }],
      ["/v1/i", { anonymousId: "a1", traits: {}, messageId: "i-short" }],
      ["/v1/page", { userId: "u1", name: "Home", messageId: "p-long" }],
      ["/v1/p", { userId: "u1", messageId: "p-short" }],
      ["/v1/screen", { userId: "u1", name: "Feed", messageId: "s-long" }],
      ["/v1/s", { userId: "u1", messageId: "s-short" }],
      ["/v1/group", { userId: "u1", groupId: "g1", messageId: "g-long" }],
      ["/v1/g", { userId: "u1", groupId: "g1", messageId: "g-short" }],
      ["/v1/alias", { userId: "u2", previousId: "u1", messageId: "a-long" }],
      ["/v1/a", { userId: "u3", previousId: "u2", messageId: "a-short" }],
    ];
    for (const [path, body] of calls) {
      const response = await send(path, body, { headers: auth });
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual({ success: true });
    }
    const archived = await waitForArchived(source.id, calls.length);
    const byId = new Map(archived.map(({ event }) => [event.messageId, event]));
    expect(byId.size).toBe(calls.length);
    expect(byId.get("i-short")).toMatchObject({ type: "identify", anonymousId: "a1", projectId: source.id });
    expect(byId.get("a-long")).toMatchObject({ type: "alias", userId: "u2", previousId: "u1" });
    expect(byId.get("t-long")!.context).toMatchObject({ ip: "203.0.113.7" });
    // Stamped by the edge while this test ran (the same clock: the app runs in this isolate).
    expect(Date.parse(byId.get("t-long")!.receivedAt)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(byId.get("t-long")!.receivedAt)).toBeLessThanOrEqual(Date.now());
  });

  it("accepts the valid part of a batch and reports the rest by index", async () => {
    const source = await createSource();
    const response = await send("/v1/batch", {
      writeKey: source.writeKey,
      context: { library: { name: "custom" } },
      batch: [
        { type: "track", userId: "u", event: "Good", messageId: "good-1" },
        { type: "track", userId: "u" },
        { type: "track", event: "No identity" },
        { type: "track", userId: "u", event: "Big", properties: { pad: "x".repeat(33 * 1024) } },
        { type: "identify", userId: "u", messageId: "good-2", context: { library: { version: "9" } } },
      ],
    });
    expect(response.status).toBe(200);
    const body = await response.json<{ success: boolean; errors: { index: number; field: string; message: string }[] }>();
    expect(body.success).toBe(true);
    expect(body.errors.map((e) => [e.index, e.field])).toEqual([
      [1, "event"],
      [2, "userId"],
      [3, ""],
    ]);
    expect(body.errors[2]!.message).toMatch(/32 KB/);

    const archived = await waitForArchived(source.id, 2);
    expect(archived.map((e) => e.event.messageId).sort()).toEqual(["good-1", "good-2"]);
    expect(archived.find((e) => e.event.messageId === "good-2")!.event.context).toMatchObject({
      library: { name: "custom", version: "9" },
    });
    expect(archived.every((e) => !("writeKey" in e.event))).toBe(true);
  });

  it("accepts a batch near the 500 KB limit and archives all of it", async () => {
    const source = await createSource();
    const batch = Array.from({ length: 300 }, (_, i) => ({
      type: "track",
      userId: `u${i % 7}`,
      event: "Product Viewed",
      messageId: `near-limit-${i}`,
      properties: { sku: `sku-${i}`, description: "d".repeat(1_400) },
    }));
    const body = JSON.stringify({ batch });
    expect(body.length).toBeGreaterThan(450_000);
    expect(body.length).toBeLessThan(500 * 1024);
    const response = await app.request("/v1/batch", { method: "POST", body, headers: { Authorization: basic(source.writeKey) } }, env);
    expect(response.status).toBe(200);
    const archived = await waitForArchived(source.id, batch.length, 20_000);
    expect(new Set(archived.map((e) => e.event.messageId)).size).toBe(batch.length);
  });

  it("refuses batches that are all invalid, too many events, or too large", async () => {
    const source = await createSource();
    const headers = { Authorization: basic(source.writeKey) };
    const allBad = await send("/v1/batch", { batch: [{ type: "nope", userId: "u" }] }, { headers });
    expect(allBad.status).toBe(400);
    expect(await allBad.json()).toMatchObject({ success: false, errors: [{ index: 0, field: "type" }] });

    const tooMany = await send("/v1/batch", { batch: Array.from({ length: 2501 }, () => ({ type: "track", userId: "u", event: "E" })) }, { headers });
    expect(tooMany.status).toBe(400);
    const tooManyAnswer = await tooMany.json<{ field: string; error: string }>();
    expect(tooManyAnswer.field).toBe("batch");
    expect(tooManyAnswer.error).toContain("2500");

    const tooBig = await send(
      "/v1/batch",
      { batch: Array.from({ length: 20 }, () => ({ type: "track", userId: "u", event: "E", properties: { pad: "x".repeat(30_000) } })) },
      { headers },
    );
    expect(tooBig.status).toBe(400);
    expect((await tooBig.json<{ error: string }>()).error).toContain("500 KB");

    // A gzip bomb (10 MB of zeros in 10 KB), on a batch route and a single-call one: refused at the
    // limit, not inflated to the end. Here rather than over wrangler dev, whose proxy answers 503
    // itself when the Worker answers before reading a whole upload.
    const bomb = await new Response(new Blob([new Uint8Array(10 * 1024 * 1024)]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    expect(bomb.byteLength).toBeLessThan(20 * 1024);
    for (const path of ["/v1/batch", "/v1/track"]) {
      const answer = await app.request(path, { method: "POST", body: bomb, headers: { ...headers, "Content-Encoding": "gzip" } }, env);
      expect(answer.status, path).toBe(400);
      expect((await answer.json<{ error: string }>()).error).toMatch(/over the 500 KB limit/);
    }
  });

  it("answers 401 for a missing or unknown key and 403 once the source is disabled", async () => {
    const source = await createSource();
    expect((await send("/v1/track", { userId: "u", event: "E" })).status).toBe(401);
    expect((await send("/v1/track", { userId: "u", event: "E" }, { headers: { Authorization: basic("nope") } })).status).toBe(401);

    const ok = await send("/v1/track", { userId: "u", event: "E", writeKey: source.writeKey });
    expect(ok.status).toBe(200);
    const patch = await app.request(`/api/v1/sources/${source.id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ enabled: false }) }, env);
    expect(patch.status).toBe(200);
    const refused = await send("/v1/track", { userId: "u", event: "E", writeKey: source.writeKey });
    expect(refused.status).toBe(403);
    const refusedAnswer = await refused.json<{ success?: boolean; field?: string; error: string }>();
    expect(refusedAnswer).toMatchObject({ success: false });
    expect(refusedAnswer.error).toContain("disabled");
  });

  it("answers 503 and acknowledges nothing when the queue refuses the events", async () => {
    const source = await createSource();
    // The real queue behind a switch: while it is down every call is refused; once up, calls go
    // through to the real EVENTS queue, and so to the consumer and the archive.
    let queueDown = true;
    const switchedQueue: Pick<Queue, "send" | "sendBatch"> = {
      send: (body, options) => (queueDown ? Promise.reject(new Error("queue down")) : env.EVENTS.send(body, options)),
      sendBatch: (messages, options) => (queueDown ? Promise.reject(new Error("queue down")) : env.EVENTS.sendBatch(messages as never, options)),
    };
    const track = (messageId: string) =>
      send("/v1/track", { userId: "u", event: "E", messageId }, { headers: { Authorization: basic(source.writeKey) } }, { ...env, EVENTS: switchedQueue });

    const lost = `lost-${crypto.randomUUID()}`;
    const response = await track(lost);
    expect(response.status).toBe(503);
    const responseAnswer = await response.json<{ success?: boolean; field?: string; error: string }>();
    expect(responseAnswer).toMatchObject({ success: false });
    expect(responseAnswer.error).toContain("retry");

    // Sentinel: a later event through the same route and queue once it is up, on the same dedupe
    // shard as the refused one. Had the refused event been queued (now, or held back and sent
    // with a later request), it would be committed no later than the sentinel in that shard's
    // outbox, which flushes in order: so once the sentinel is archived, so would the refused event be.
    queueDown = false;
    const sentinel = sameShardMessageId(lost, "sentinel");
    expect((await track(sentinel)).status).toBe(200);
    const archived = await waitForArchived(source.id, 1);
    expect(archived.map(({ event }) => event.messageId)).toEqual([sentinel]);
  });

  it("answers the pixel API with a GIF and archives its event", async () => {
    const source = await createSource();
    const data = btoa(JSON.stringify({ writeKey: source.writeKey, userId: "u", event: "Email Opened", messageId: "pixel-1" }));
    const response = await app.request(`/v1/pixel/track?data=${encodeURIComponent(data)}`, {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect(new Uint8Array(await response.arrayBuffer()).slice(0, 6)).toEqual(new TextEncoder().encode("GIF89a"));
    const [archived] = await waitForArchived(source.id, 1);
    expect(archived!.event).toMatchObject({ type: "track", event: "Email Opened", messageId: "pixel-1" });

    const bad = await app.request("/v1/pixel/track?data=%%%", {}, env);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("image/gif");
  });

  it("answers CORS preflights: credentials for configured origins, * for the rest", async () => {
    const preflight = (origin: string) =>
      app.request(
        "/v1/t",
        { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } },
        env,
      );
    const configured = await preflight("https://www.example.org");
    expect(configured.status).toBe(204);
    expect(configured.headers.get("access-control-allow-origin")).toBe("https://www.example.org");
    expect(configured.headers.get("access-control-allow-credentials")).toBe("true");
    expect(configured.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(configured.headers.get("access-control-allow-headers")).toMatch(/X-Retry-Count/);
    const other = await preflight("https://elsewhere.test");
    expect(other.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("admin API auth", () => {
  it("refuses a missing or wrong token, and everything when no token is configured", async () => {
    expect((await app.request("/api/v1/sources", {}, env)).status).toBe(401);
    expect((await app.request("/api/v1/sources", { headers: { Authorization: "Bearer test_admin_tokeX" } }, env)).status).toBe(401);
    expect((await app.request("/api/v1/sources", { headers: { Authorization: "Bearer test_admin_token" } }, env)).status).toBe(200);
    const unconfigured = await app.request("/api/v1/sources", { headers: { Authorization: "Bearer " } }, { ...env, ADMIN_TOKEN: undefined });
    expect(unconfigured.status).toBe(503);
    const unconfiguredAnswer = await unconfigured.json<{ success?: boolean; field?: string; error: string }>();
    expect(unconfiguredAnswer.error).toContain("ADMIN_TOKEN");
  });

  it("validates new sources and streams the archive as NDJSON, filtered by time", async () => {
    const missingName = await app.request("/api/v1/sources", { method: "POST", headers: ADMIN, body: "{}" }, env);
    expect(missingName.status).toBe(400);
    expect(await missingName.json()).toMatchObject({ field: "name" });

    const source = await createSource("Archive reader");
    for (const id of ["x1", "x2"]) {
      await send("/v1/track", { userId: "u", event: "E", messageId: id }, { headers: { Authorization: basic(source.writeKey) } });
    }
    await waitForArchived(source.id, 2);
    const read = (query: string) => app.request(`/api/v1/archive?sourceId=${source.id}${query}`, { headers: ADMIN }, env);
    const all = await read("");
    expect(all.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    const lines = (await all.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { messageId: string });
    expect(lines.map((e) => e.messageId).sort()).toEqual(["x1", "x2"]);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await (await read(`&from=${future}`)).text()).trim()).toBe("");
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await (await read(`&from=${past}&to=${future}`)).text()).trim().split("\n")).toHaveLength(2);
    expect((await read("&from=yesterday")).status).toBe(400);
  });
});
