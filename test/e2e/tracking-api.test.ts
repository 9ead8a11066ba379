import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEV,
  adminFetch,
  archivePath,
  baseUrl,
  createSource,
  readArchive,
  send,
  uniqueId,
  updateSource,
  waitForArchive,
  waitForMessages,
  type ArchivedEvent,
  type Source,
} from "./support/sluice";

/**
 * The HTTP Tracking API and the admin API driven with plain fetch, as any Segment-compatible
 * client would: routes, encodings, credentials, CORS, enrichment, limits and archive queries.
 */

let source: Source;

beforeAll(async () => {
  source = await createSource(`tracking-api ${uniqueId("e2e")}`);
});

/** The minimal valid body of each call type. */
function minimalEvent(type: string, messageId: string, userId: string): Record<string, unknown> {
  const extra: Record<string, Record<string, unknown>> = {
    track: { event: "Button Clicked", properties: { button: "buy" } },
    page: { name: "Home", properties: { path: "/" } },
    screen: { name: "Settings" },
    identify: { traits: { email: "grace@example.com" } },
    group: { groupId: `${userId}-org`, traits: { name: "Org" } },
    alias: { previousId: `${userId}-previous` },
  };
  return { userId, messageId, ...extra[type] };
}

const ROUTES: readonly (readonly [string, string])[] = [
  ["track", "t"],
  ["page", "p"],
  ["screen", "s"],
  ["identify", "i"],
  ["group", "g"],
  ["alias", "a"],
];

function expectSuccess(response: { status: number; json: unknown; text: string }): void {
  expect(response.status, response.text).toBe(200);
  expect(response.json).toEqual({ success: true });
}

function pixelData(payload: unknown, urlSafe = false): string {
  const base64 = Buffer.from(JSON.stringify(payload)).toString("base64");
  return urlSafe ? base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") : base64;
}

describe("single-call routes", () => {
  it("accepts each call on its long and short route and archives it with that type", async () => {
    const sent: { messageId: string; type: string; userId: string; body: Record<string, unknown> }[] = [];
    for (const [long, short] of ROUTES) {
      for (const route of [long, short]) {
        const messageId = uniqueId(`route-${route}`);
        const userId = uniqueId(`user-${route}`);
        const body = minimalEvent(long, messageId, userId);
        expectSuccess(await send(`/v1/${route}`, body, { writeKey: source.writeKey }));
        sent.push({ messageId, type: long, userId, body });
      }
    }

    const archived = await waitForMessages(
      source.id,
      sent.map((s) => s.messageId),
    );
    for (const { messageId, type, body } of sent) {
      const event = archived.get(messageId)!;
      expect(event).toMatchObject({ ...body, type, projectId: source.id });
      expect(event.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(event.timestamp).toBe(event.receivedAt); // no client timestamp: receivedAt
      expect(event.context.ip).toMatch(/127\.0\.0\.1/);
    }
  });

  it("assigns a messageId when the client sends none", async () => {
    const userId = uniqueId("no-message-id");
    expectSuccess(await send("/v1/track", { userId, event: "Anonymous Id Test" }, { writeKey: source.writeKey }));
    const events = await waitForArchive(source.id, (all) => all.some((event) => event.userId === userId));
    const event = events.find((e) => e.userId === userId)!;
    expect(typeof event.messageId).toBe("string");
    expect(event.messageId.length).toBeGreaterThan(0);
    expect(event.messageId.length).toBeLessThanOrEqual(100);
  });

  it("accepts the seeded local-dev source's write key (dev_write_key) into dev_website", async () => {
    const messageId = uniqueId("seeded");
    expectSuccess(await send("/v1/track", { userId: "seeded-user", event: "Seeded Source Used", messageId }, { writeKey: DEV.writeKey }));
    const archived = await waitForMessages(DEV.sourceId, [messageId]);
    expect(archived.get(messageId)).toMatchObject({ type: "track", event: "Seeded Source Used", projectId: DEV.sourceId });
  });
});

describe("batch routes", () => {
  it("accepts /v1/batch, /v1/b and /v1/import", async () => {
    const ids: string[] = [];
    for (const path of ["/v1/batch", "/v1/b", "/v1/import"]) {
      const batch = ["track", "identify"].map((type) => {
        const messageId = uniqueId(`batch-${path.slice(4)}-${type}`);
        ids.push(messageId);
        return { type, ...minimalEvent(type, messageId, uniqueId("batch-user")) };
      });
      expectSuccess(await send(path, { batch }, { writeKey: source.writeKey }));
    }
    const archived = await waitForMessages(source.id, ids);
    expect([...archived.values()].map((event) => event.type).sort()).toEqual(["identify", "identify", "identify", "track", "track", "track"]);
  });

  it("merges batch-level context and integrations into each event, the event's own values winning", async () => {
    const [first, second] = [uniqueId("ctx-own"), uniqueId("ctx-batch")];
    const response = await send(
      "/v1/batch",
      {
        context: {
          app: { name: "Shop", version: "1.2.3" },
          locale: "en-US",
          library: { name: "custom-http", version: "0.1" },
        },
        integrations: { All: false, Webhook: true },
        batch: [
          {
            type: "track",
            userId: "ctx-user",
            event: "Context Merged",
            messageId: first,
            context: { locale: "de-DE", ip: "203.0.113.7", page: { path: "/checkout" } },
            integrations: { Webhook: false, Mixpanel: true },
          },
          { type: "track", userId: "ctx-user", event: "Context Merged", messageId: second },
        ],
      },
      { writeKey: source.writeKey },
    );
    expectSuccess(response);

    const archived = await waitForMessages(source.id, [first, second]);
    const own = archived.get(first)!;
    expect(own.context).toEqual({
      app: { name: "Shop", version: "1.2.3" },
      library: { name: "custom-http", version: "0.1" },
      locale: "de-DE",
      ip: "203.0.113.7", // the client's own context.ip is kept
      page: { path: "/checkout" },
      ...(own.context.location === undefined ? {} : { location: own.context.location }),
    });
    expect(own.integrations).toEqual({ All: false, Webhook: false, Mixpanel: true });

    const inherited = archived.get(second)!;
    expect(inherited.context).toMatchObject({
      app: { name: "Shop", version: "1.2.3" },
      library: { name: "custom-http", version: "0.1" },
      locale: "en-US",
    });
    expect(inherited.context.ip).toMatch(/127\.0\.0\.1/); // the server-observed address
    expect(inherited.integrations).toEqual({ All: false, Webhook: true });
  });

  it("lists invalid events by index and archives only the valid ones", async () => {
    const ids = Array.from({ length: 5 }, (_, i) => uniqueId(`partial-${i}`));
    const response = await send(
      "/v1/batch",
      {
        batch: [
          { type: "track", userId: "partial-user", event: "Valid Zero", messageId: ids[0] },
          { type: "track", userId: "partial-user", messageId: ids[1] }, // no event name
          { type: "identify", userId: "partial-user", traits: { ok: true }, messageId: ids[2] },
          { type: "track", event: "No Identity", messageId: ids[3] }, // neither userId nor anonymousId
          { type: "purchase", userId: "partial-user", messageId: ids[4] }, // unknown type
        ],
      },
      { writeKey: source.writeKey },
    );
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ success: true });
    const errors = (response.json as { errors: { index: number; field: string; message: string }[] }).errors;
    expect(errors.map(({ index, field }) => ({ index, field }))).toEqual([
      { index: 1, field: "event" },
      { index: 3, field: "userId" },
      { index: 4, field: "type" },
    ]);
    for (const error of errors) expect(error.message.length).toBeGreaterThan(0);
    expect(errors[2]!.message).toContain("purchase");

    await waitForMessages(source.id, [ids[0]!, ids[2]!]);
    // The valid events travelled with the invalid ones; now that they are archived, nothing else is coming.
    const archivedIds = new Set((await readArchive({ sourceId: source.id })).map((event) => event.messageId));
    expect(archivedIds.has(ids[1]!)).toBe(false);
    expect(archivedIds.has(ids[3]!)).toBe(false);
    expect(archivedIds.has(ids[4]!)).toBe(false);
  });

  it("refuses a batch whose events are all invalid with a 400 listing them", async () => {
    const response = await send(
      "/v1/batch",
      {
        batch: [
          { type: "purchase", userId: "u" },
          { type: "track", userId: "u" },
        ],
      },
      { writeKey: source.writeKey },
    );
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      success: false,
      errors: [
        { index: 0, field: "type" },
        { index: 1, field: "event" },
      ],
    });
  });
});

describe("encodings and credentials", () => {
  it("accepts gzip-encoded bodies on single-call and batch routes", async () => {
    const [single, batched] = [uniqueId("gzip-single"), uniqueId("gzip-batch")];
    expectSuccess(
      await send("/v1/track", gzipSync(JSON.stringify({ userId: "gzip-user", event: "Gzipped", messageId: single, properties: { n: 1 } })), {
        writeKey: source.writeKey,
        headers: { "Content-Encoding": "gzip" },
      }),
    );
    expectSuccess(
      await send(
        "/v1/batch",
        gzipSync(
          JSON.stringify({
            batch: [{ type: "page", userId: "gzip-user", name: "Gzipped Page", messageId: batched, properties: { n: 2 } }],
          }),
        ),
        { writeKey: source.writeKey, headers: { "Content-Encoding": "gzip" } },
      ),
    );
    const archived = await waitForMessages(source.id, [single, batched]);
    expect(archived.get(single)).toMatchObject({ type: "track", event: "Gzipped", properties: { n: 1 } });
    expect(archived.get(batched)).toMatchObject({ type: "page", name: "Gzipped Page", properties: { n: 2 } });
  });

  it("takes the write key from a text/plain body (as browsers send it) and never archives it", async () => {
    const [single, batched] = [uniqueId("text-single"), uniqueId("text-batch")];
    const headers = { "Content-Type": "text/plain" };
    expectSuccess(await send("/v1/t", JSON.stringify({ writeKey: source.writeKey, userId: "text-user", event: "Text Plain", messageId: single }), { headers }));
    expectSuccess(
      await send(
        "/v1/batch",
        JSON.stringify({
          writeKey: source.writeKey,
          batch: [{ type: "identify", anonymousId: "text-anon", traits: { a: 1 }, messageId: batched }],
        }),
        { headers },
      ),
    );
    const archived = await waitForMessages(source.id, [single, batched]);
    for (const event of archived.values()) {
      expect(event.projectId).toBe(source.id);
      expect(event).not.toHaveProperty("writeKey");
      expect(JSON.stringify(event)).not.toContain(source.writeKey);
    }
    expect(archived.get(single)).toMatchObject({ type: "track", event: "Text Plain", userId: "text-user" });
    expect(archived.get(batched)).toMatchObject({ type: "identify", anonymousId: "text-anon" });
  });

  it("answers 401 for an unknown or missing write key", async () => {
    const body = { userId: "u", event: "Nope" };
    const unknownBasic = await send("/v1/track", body, { writeKey: "no_such_write_key" });
    expect(unknownBasic.status).toBe(401);
    expect(unknownBasic.json).toMatchObject({ success: false });
    expect(String(unknownBasic.json!.error)).toMatch(/write key/i);

    const unknownInBody = await send("/v1/batch", { writeKey: "another_unknown_key", batch: [{ type: "track", ...body }] });
    expect(unknownInBody.status).toBe(401);
    expect(unknownInBody.json).toMatchObject({ success: false });

    const missing = await send("/v1/track", body);
    expect(missing.status).toBe(401);
    expect(String(missing.json!.error)).toMatch(/write key/i);
  });

  it("answers 403 once the source is disabled, and accepts again once re-enabled", async () => {
    const toggled = await createSource(`tracking-api toggled ${uniqueId("e2e")}`);
    const [before, during, after] = [uniqueId("enabled"), uniqueId("disabled"), uniqueId("re-enabled")];
    const event = (messageId: string) => ({ userId: "toggle-user", event: "Toggled", messageId });

    expectSuccess(await send("/v1/track", event(before), { writeKey: toggled.writeKey }));

    expect(await updateSource(toggled.id, { enabled: false })).toMatchObject({ id: toggled.id, enabled: false });
    const refused = await send("/v1/track", event(during), { writeKey: toggled.writeKey });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ success: false });
    expect(String(refused.json!.error)).toMatch(/disabled/i);
    const refusedBatch = await send(
      "/v1/batch",
      { batch: [{ type: "track", ...event(uniqueId("disabled-batch")) }] },
      {
        writeKey: toggled.writeKey,
      },
    );
    expect(refusedBatch.status).toBe(403);

    expect(await updateSource(toggled.id, { enabled: true })).toMatchObject({ enabled: true });
    expectSuccess(await send("/v1/track", event(after), { writeKey: toggled.writeKey }));

    await waitForMessages(toggled.id, [before, after]);
    const ids = (await readArchive({ sourceId: toggled.id })).map((e) => e.messageId);
    expect(ids.sort()).toEqual([before, after].sort());
  });
});

describe("pixel API", () => {
  it("answers a GIF for track and page and archives the events without the write key", async () => {
    const [tracked, paged] = [uniqueId("pixel-track"), uniqueId("pixel-page")];
    const trackResponse = await fetch(
      `${baseUrl()}/v1/pixel/track?data=${encodeURIComponent(
        pixelData({ writeKey: source.writeKey, userId: "pixel-user", event: "Email Opened", messageId: tracked, properties: { campaign: "spring" } }),
      )}`,
    );
    expect(trackResponse.status).toBe(200);
    expect(trackResponse.headers.get("content-type")).toMatch(/^image\/gif/);
    expect(
      Buffer.from(await trackResponse.arrayBuffer())
        .subarray(0, 4)
        .toString("latin1"),
    ).toBe("GIF8");

    // URL-safe base64 without padding, as some email tools produce it.
    const pageResponse = await fetch(
      `${baseUrl()}/v1/pixel/page?data=${pixelData({ writeKey: source.writeKey, anonymousId: "pixel-anon", name: "Newsletter", messageId: paged }, true)}`,
    );
    expect(pageResponse.status).toBe(200);
    expect(pageResponse.headers.get("content-type")).toMatch(/^image\/gif/);

    const archived = await waitForMessages(source.id, [tracked, paged]);
    expect(archived.get(tracked)).toMatchObject({
      type: "track",
      event: "Email Opened",
      userId: "pixel-user",
      properties: { campaign: "spring" },
      projectId: source.id,
    });
    expect(archived.get(paged)).toMatchObject({ type: "page", name: "Newsletter", anonymousId: "pixel-anon" });
    for (const event of archived.values()) expect(JSON.stringify(event)).not.toContain(source.writeKey);
  });

  it("still answers a GIF, with the error status, for a bad write key or bad data", async () => {
    const unknownKey = await fetch(
      `${baseUrl()}/v1/pixel/track?data=${encodeURIComponent(pixelData({ writeKey: "unknown_pixel_key", userId: "u", event: "E" }))}`,
    );
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.headers.get("content-type")).toMatch(/^image\/gif/);

    const noData = await fetch(`${baseUrl()}/v1/pixel/page`);
    expect(noData.status).toBe(400);
    expect(noData.headers.get("content-type")).toMatch(/^image\/gif/);
  });
});

describe("CORS", () => {
  const requestHeaders = "authorization,content-type,x-retry-count";

  function allowedHeaders(response: Response): string[] {
    return (response.headers.get("access-control-allow-headers") ?? "").split(",").map((header) => header.trim().toLowerCase());
  }

  it("echoes a listed origin on preflight, with credentials and the headers Segment clients send", async () => {
    const response = await fetch(`${baseUrl()}/v1/t`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": requestHeaders,
      },
    });
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(allowedHeaders(response)).toEqual(expect.arrayContaining(["authorization", "content-type", "x-retry-count"]));
    expect(response.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(response.headers.get("vary") ?? "").toMatch(/origin/i);
  });

  it("answers * to an origin that is not listed", async () => {
    const response = await fetch(`${baseUrl()}/v1/t`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://unlisted.example.net",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": requestHeaders,
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(allowedHeaders(response)).toEqual(expect.arrayContaining(["authorization", "content-type", "x-retry-count"]));
  });

  it("puts the CORS headers on the actual POST answer too", async () => {
    const messageId = uniqueId("cors-post");
    const response = await send(
      "/v1/t",
      { userId: "cors-user", event: "Cross Origin", messageId },
      { writeKey: source.writeKey, headers: { Origin: "http://localhost:3000", "X-Retry-Count": "1" } },
    );
    expectSuccess(response);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    await waitForMessages(source.id, [messageId]);
  });
});

describe("timestamps", () => {
  it("corrects the client's clock with a batch-level sentAt and keeps originalTimestamp", async () => {
    const messageId = uniqueId("skew-batch");
    const now = Date.now();
    const timestamp = new Date(now - 3_600_000).toISOString();
    const sentAt = new Date(now - 3_600_000 + 10_000).toISOString();
    expectSuccess(
      await send(
        "/v1/batch",
        { sentAt, batch: [{ type: "track", userId: "skew-user", event: "Skewed", timestamp, messageId }] },
        { writeKey: source.writeKey },
      ),
    );
    const event = (await waitForMessages(source.id, [messageId])).get(messageId)!;
    expect(event.originalTimestamp).toBe(timestamp);
    expect(event.sentAt).toBe(sentAt);
    expect(Date.parse(event.timestamp)).toBe(Date.parse(event.receivedAt) - 10_000);
    // Stamped on arrival (Sluice runs on this machine's clock): after the send, before the read.
    expect(Date.parse(event.receivedAt)).toBeGreaterThanOrEqual(now);
    expect(Date.parse(event.receivedAt)).toBeLessThanOrEqual(Date.now());
  });

  it("uses an event-level sentAt on single calls, the client's timestamp without sentAt, receivedAt without either", async () => {
    const [withSentAt, withoutSentAt, bare] = [uniqueId("skew-single"), uniqueId("no-sent-at"), uniqueId("no-timestamp")];
    const now = Date.now();
    const timestamp = new Date(now - 3_600_000).toISOString();
    const sentAt = new Date(now - 3_600_000 + 10_000).toISOString();
    const base = { userId: "skew-user", event: "Skewed" };
    expectSuccess(await send("/v1/track", { ...base, timestamp, sentAt, messageId: withSentAt }, { writeKey: source.writeKey }));
    expectSuccess(await send("/v1/track", { ...base, timestamp, messageId: withoutSentAt }, { writeKey: source.writeKey }));
    expectSuccess(await send("/v1/track", { ...base, messageId: bare }, { writeKey: source.writeKey }));

    const archived = await waitForMessages(source.id, [withSentAt, withoutSentAt, bare]);
    const corrected = archived.get(withSentAt)!;
    expect(corrected.originalTimestamp).toBe(timestamp);
    expect(Date.parse(corrected.timestamp)).toBe(Date.parse(corrected.receivedAt) - 10_000);

    const trusted = archived.get(withoutSentAt)!;
    expect(trusted.originalTimestamp).toBe(timestamp);
    expect(Date.parse(trusted.timestamp)).toBe(Date.parse(timestamp));

    const received = archived.get(bare)!;
    expect(received.timestamp).toBe(received.receivedAt);
    expect(received).not.toHaveProperty("originalTimestamp");
  });

  it("falls back to receivedAt when a wild sentAt would correct past year 9999, losing no neighbour", async () => {
    const [victim, wild] = [uniqueId("victim"), uniqueId("wild-sent-at")];
    const response = await send(
      "/v1/batch",
      {
        batch: [
          { type: "track", userId: "victim", event: "Victim", messageId: victim },
          { type: "track", userId: "p", event: "Wild", messageId: wild, timestamp: "2026-01-01T00:00:00Z", sentAt: "9999-01-01T00:00:00Z" },
        ],
      },
      { writeKey: source.writeKey },
    );
    expectSuccess(response);
    const archived = await waitForMessages(source.id, [victim, wild]);
    const corrected = archived.get(wild)!;
    expect(corrected.timestamp).toBe(corrected.receivedAt);
    expect(corrected.originalTimestamp).toBe("2026-01-01T00:00:00Z");
  });
});

describe("400 answers", () => {
  async function expectBadRequest(path: string, body: unknown, check: { field?: string; error?: RegExp }) {
    const response = await send(path, body, { writeKey: source.writeKey });
    expect(response.status, response.text).toBe(400);
    expect(response.json).toMatchObject({ success: false });
    expect(typeof response.json!.error).toBe("string");
    if (check.field !== undefined) expect(response.json!.field).toBe(check.field);
    if (check.error) expect(String(response.json!.error)).toMatch(check.error);
    return response;
  }

  it("refuses malformed JSON", async () => {
    await expectBadRequest("/v1/track", '{"userId": "u", "event": ', { error: /not valid JSON/i });
    await expectBadRequest("/v1/batch", "{batch: [}", { error: /not valid JSON/i });
  });

  it("refuses an event over 32 KB, alone or inside a batch", async () => {
    const big = { userId: "big-user", event: "Too Big", properties: { blob: "x".repeat(33 * 1024) } };
    await expectBadRequest("/v1/track", big, { error: /32 KB/ });

    const smallId = uniqueId("beside-big");
    const response = await send(
      "/v1/batch",
      {
        batch: [
          { type: "track", ...big },
          { type: "track", userId: "big-user", event: "Small", messageId: smallId },
        ],
      },
      { writeKey: source.writeKey },
    );
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ success: true, errors: [{ index: 0 }] });
    const errors = (response.json as { errors: { message: string }[] }).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/32 KB/);
    await waitForMessages(source.id, [smallId]);
  });

  it("refuses a body over 500 KB, also when it only inflates past 500 KB", async () => {
    // Twenty events of ~26 KB: each under the per-event limit, together over the batch limit.
    const batch = Array.from({ length: 20 }, (_, i) => ({
      type: "track",
      userId: "bulk-user",
      event: "Bulk",
      properties: { i, blob: "y".repeat(26 * 1024) },
    }));
    await expectBadRequest("/v1/batch", { batch }, { error: /500 KB/ });

    // A small gzip body that inflates past the limit: refused without reading it all.
    const inflating = gzipSync(JSON.stringify({ batch: [{ type: "track", userId: "u", event: "E" }], padding: "z".repeat(600 * 1024) }));
    expect(inflating.byteLength).toBeLessThan(10 * 1024);
    const response = await send("/v1/batch", inflating, {
      writeKey: source.writeKey,
      headers: { "Content-Encoding": "gzip" },
    });
    expect(response.status).toBe(400);
    expect(String(response.json!.error)).toMatch(/500 KB/);
  });

  it("refuses a batch of more than 2,500 events", async () => {
    const batch = Array.from({ length: 2_501 }, (_, i) => ({ type: "track", userId: "many", event: "Many", properties: { i } }));
    await expectBadRequest("/v1/batch", { batch }, { field: "batch", error: /2,?500/ });
  });

  it("refuses an event without userId or anonymousId", async () => {
    await expectBadRequest("/v1/track", { event: "Nobody" }, { field: "userId", error: /userId/ });
    await expectBadRequest("/v1/identify", { traits: { a: 1 } }, { field: "userId" });
  });

  it("refuses an unknown type", async () => {
    const response = await send("/v1/batch", { batch: [{ type: "purchase", userId: "u" }] }, { writeKey: source.writeKey });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ success: false, errors: [{ index: 0, field: "type" }] });
    const [error] = (response.json as { errors: { message: string }[] }).errors;
    expect(error!.message).toMatch(/purchase/);
  });

  it("refuses a track without event", async () => {
    await expectBadRequest("/v1/track", { userId: "u" }, { field: "event", error: /event/ });
    await expectBadRequest("/v1/t", { userId: "u", event: "" }, { field: "event" });
  });

  it("refuses a messageId over 100 characters and accepts one of exactly 100", async () => {
    const tooLong = "m".repeat(101);
    await expectBadRequest(
      "/v1/track",
      { userId: "u", event: "Long Id", messageId: tooLong },
      {
        field: "messageId",
        error: /100 characters/,
      },
    );

    const longest = `${uniqueId("max")}-`.padEnd(100, "m");
    expect(longest).toHaveLength(100);
    expectSuccess(await send("/v1/track", { userId: "u", event: "Long Id", messageId: longest }, { writeKey: source.writeKey }));
    await waitForMessages(source.id, [longest]);
  });
});

describe("admin API", () => {
  it("answers 401 without a token, with a wrong token, or with another scheme", async () => {
    for (const path of ["/api/v1/sources", archivePath({ sourceId: source.id }), `/api/v1/pipeline/stats?sourceId=${source.id}`]) {
      const none = await fetch(`${baseUrl()}${path}`);
      expect(none.status, path).toBe(401);
      expect(((await none.json()) as { success: boolean }).success).toBe(false);
      expect(none.headers.get("www-authenticate") ?? "").toMatch(/^Bearer/i);

      const wrong = await adminFetch(path, {}, "not_the_admin_token");
      expect(wrong.status, path).toBe(401);

      const basic = await fetch(`${baseUrl()}${path}`, {
        headers: { Authorization: `Basic ${Buffer.from(`${DEV.adminToken}:`).toString("base64")}` },
      });
      expect(basic.status, path).toBe(401);
    }
    const create = await fetch(`${baseUrl()}/api/v1/sources`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer wrong" },
      body: JSON.stringify({ name: "Should Not Exist" }),
    });
    expect(create.status).toBe(401);
  });

  it("lists and reads sources", async () => {
    const list = await adminFetch("/api/v1/sources");
    expect(list.status).toBe(200);
    const { sources } = (await list.json()) as { sources: Source[] };
    expect(sources).toEqual(
      expect.arrayContaining([
        { id: DEV.sourceId, name: "Website", writeKey: DEV.writeKey, enabled: true },
        { id: source.id, name: source.name, writeKey: source.writeKey, enabled: true },
      ]),
    );
    const one = await adminFetch(`/api/v1/sources/${source.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ source });
  });

  it("serves the archive as NDJSON of this source only, filtered by receivedAt (from inclusive, to exclusive)", async () => {
    const messageId = uniqueId("range");
    expectSuccess(await send("/v1/track", { userId: "range-user", event: "In Range", messageId }, { writeKey: source.writeKey }));
    const event = (await waitForMessages(source.id, [messageId])).get(messageId)!;
    const receivedAt = Date.parse(event.receivedAt);
    const iso = (ms: number) => new Date(ms).toISOString();

    const response = await adminFetch(archivePath({ sourceId: source.id }));
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const all = (await response.text())
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ArchivedEvent);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e) => e.projectId === source.id)).toBe(true);

    const ids = async (from?: number, to?: number) =>
      (
        await readArchive({
          sourceId: source.id,
          from: from === undefined ? undefined : iso(from),
          to: to === undefined ? undefined : iso(to),
        })
      ).map((e) => e.messageId);

    expect(await ids(receivedAt, receivedAt + 1)).toEqual([messageId]); // exactly this instant
    expect(await ids(receivedAt)).toContain(messageId); // from is inclusive
    expect(await ids(receivedAt + 1)).not.toContain(messageId);
    expect(await ids(undefined, receivedAt)).not.toContain(messageId); // to is exclusive
    expect(await ids(undefined, receivedAt + 1)).toContain(messageId);
    expect(await ids(receivedAt - 3_600_000, receivedAt + 3_600_000)).toContain(messageId);
    expect(await ids(receivedAt - 7_200_000, receivedAt - 3_600_000)).toEqual([]);

    const backwards = await adminFetch(archivePath({ sourceId: source.id, from: iso(receivedAt + 1), to: iso(receivedAt) }));
    expect(backwards.status).toBe(400);
    expect(await backwards.json()).toMatchObject({ success: false, field: "from" });

    const junk = await adminFetch(archivePath({ sourceId: source.id, from: "yesterday" }));
    expect(junk.status).toBe(400);
    expect(await junk.json()).toMatchObject({ success: false, field: "from" });
  });
});
