import { Hono, type Context } from "hono";
import type { HonoEnv } from "../env";
import { refreshCollectionCookies } from "../first-party/refresh-collection-cookies";
import { ApiError } from "../http/api-error";
import { CALL_ROUTES, type EventType } from "../spec/event-types";
import { MAX_BATCH_BYTES } from "../spec/limits";
import { SourceCache } from "../sources/source-cache";
import { SourceStore } from "../sources/source-store";
import type { Source } from "../sources/source";
import { acceptBatch, acceptSingleEvent } from "./accept-payload";
import { locationFromCf, type RequestFacts } from "./enrich";
import { waitUntilOf } from "../http/wait-until";
import { enqueueEvents } from "./enqueue";
import { decodePixelData, TRANSPARENT_GIF } from "./pixel";
import { readJsonBody } from "./read-body";
import { recordInvalidEvents } from "./record-invalid";
import { trackingCors } from "./tracking-cors";
import { readWriteKeyFromAuthorization, readWriteKeyFromBody } from "./write-key";

/** The Segment-compatible Tracking API: `/v1/<call>`, `/v1/batch`, `/v1/import`, the pixel API. */
export const trackingApi = new Hono<HonoEnv>();

trackingApi.use("/v1/*", trackingCors);

const newMessageId = () => `sluice-${crypto.randomUUID()}`;

for (const path of ["/v1/batch", "/v1/b", "/v1/import"]) {
  trackingApi.post(path, async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_BATCH_BYTES);
    const source = await authenticate(c, readWriteKeyFromBody(body));
    const { events, rejected } = acceptBatch(body, requestFacts(c, source), newMessageId);
    if (rejected.length > 0) {
      const batch = (body as { batch: unknown[] }).batch; // acceptBatch read it: an array
      recordInvalidEvents(
        c,
        source.id,
        rejected.map(({ index, field, message }) => ({ payload: batch[index], error: { message, field } })),
      );
    }
    if (events.length === 0) {
      return c.json({ success: false, error: "No event in the batch is valid: see errors by index.", errors: rejected }, 400);
    }
    await enqueueEvents(c.env.EVENTS, events);
    refreshCollectionCookies(c);
    return c.json(rejected.length > 0 ? { success: true, errors: rejected } : { success: true });
  });
}

// One static route per call (`/v1/track`, `/v1/t`, …) rather than a pattern: with only static
// paths beside `/v1/batch`, Hono's RegExpRouter can route the whole app (it cannot tell a pattern
// that also matches "batch" from the static route, and then every request went through the slower
// TrieRouter).
for (const [segment, type] of CALL_ROUTES) {
  trackingApi.post(`/v1/${segment}`, async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_BATCH_BYTES);
    const source = await authenticate(c, readWriteKeyFromBody(body));
    await ingestOne(c, body, type, source);
    refreshCollectionCookies(c);
    return c.json({ success: true });
  });
}

trackingApi.get("/v1/pixel/:call{track|page}", async (c) => {
  const status = await (async () => {
    try {
      const body = decodePixelData(c.req.query("data"));
      const source = await authenticate(c, readWriteKeyFromBody(body));
      await ingestOne(c, body, c.req.param("call") as EventType, source);
      return 200;
    } catch (error) {
      if (error instanceof ApiError) return error.status;
      throw error;
    }
  })();
  return c.body(TRANSPARENT_GIF, status, { "Content-Type": "image/gif", "Cache-Control": "no-store" });
});

async function ingestOne(c: Context<HonoEnv>, body: unknown, type: EventType, source: Source): Promise<void> {
  let event;
  try {
    event = acceptSingleEvent(body, type, requestFacts(c, source), newMessageId);
  } catch (error) {
    if (error instanceof ApiError) recordInvalidEvents(c, source.id, [{ payload: body, error: { message: error.message, field: error.field ?? "" } }]);
    throw error;
  }
  await enqueueEvents(c.env.EVENTS, [event]);
}

async function authenticate(c: Context<HonoEnv>, bodyWriteKey: string | undefined): Promise<Source> {
  const writeKey = readWriteKeyFromAuthorization(c.req.header("authorization")) ?? bodyWriteKey;
  if (!writeKey) {
    throw new ApiError(401, "No write key: send it as HTTP Basic user name or as writeKey in the body.");
  }
  const source = await new SourceCache(new SourceStore(c.env.DB), undefined, waitUntilOf(c)).findByWriteKey(writeKey);
  if (!source) throw new ApiError(401, "Unknown write key: check the source's write key in Sluice.");
  if (!source.enabled) throw new ApiError(403, `Source ${source.name} is disabled: enable it to send events.`);
  return source;
}

function requestFacts(c: Context<HonoEnv>, source: Source): RequestFacts {
  return {
    receivedAt: new Date(),
    sourceId: source.id,
    ip: c.req.header("cf-connecting-ip") ?? undefined,
    location: locationFromCf(c.req.raw.cf),
  };
}
