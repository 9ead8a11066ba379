// One HTTP receiver for every destination a bench section compares, with a lane per path:
// a server started with OUTBOUND_ORIGIN sends every destination request to one origin (same path),
// so the path tells which destination a request came from. Each lane counts its events by id,
// however many a request carries, so a lost or doubled event shows up next to the numbers.
import { createServer } from "node:http";
import { sleep } from "./stats.mjs";

const POLL_MS = 50;

/** Segment-shaped bodies: one event, or an array of them when the destination batches. */
export function segmentEventsIn(body) {
  return (Array.isArray(body) ? body : [body]).map((event) => ({ id: event?.messageId, receivedAt: event?.receivedAt }));
}

/**
 * Starts the receiver. `lane(path, eventsIn)` registers a path (query aside) with the function that
 * lists a parsed JSON body's events as `{id, receivedAt}`. Per lane: how often each id came, when
 * it first came (performance.now(), the clock the sender uses) and its end-to-end latency (arrival
 * by this machine's wall clock minus the `receivedAt` Sluice stamped at ingest). Requests to no
 * lane, and bodies that are not JSON, are counted and answered 404 and 400.
 */
export async function startCountingReceiver() {
  const lanes = [];
  let stray = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const arrivedAt = performance.now();
      const wallClock = Date.now();
      const path = new URL(request.url, "http://receiver").pathname;
      const lane = lanes.find((candidate) => candidate.path === path);
      if (!lane) {
        stray += 1;
        response.writeHead(404).end("no lane");
        return;
      }
      lane.requests += 1;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        lane.unreadable += 1;
        response.writeHead(400).end("not JSON");
        return;
      }
      for (const { id, receivedAt } of lane.eventsIn(body)) {
        const key = String(id);
        lane.counts.set(key, (lane.counts.get(key) ?? 0) + 1);
        if (lane.firstArrivals.has(key)) continue;
        lane.firstArrivals.set(key, arrivedAt);
        lane.latenciesMs.set(key, wallClock - Date.parse(receivedAt));
      }
      // JSON, as Amplitude answers; the webhook destinations only look at the status.
      response.writeHead(200, { "Content-Type": "application/json" }).end('{"code":200}');
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const lane = (path, eventsIn = segmentEventsIn) => {
    const created = { path, eventsIn, counts: new Map(), firstArrivals: new Map(), latenciesMs: new Map(), requests: 0, unreadable: 0 };
    lanes.push(created);
    return created;
  };
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { origin: `http://127.0.0.1:${server.address().port}`, lane, stray: () => stray, close };
}

/**
 * Waits until every one of `ids` has arrived in `lane`, counting from `since` (performance.now()).
 * Throws if none has after `firstTimeoutMs` (delivery is broken, not slow); false if some are
 * still missing after `completeTimeoutMs`.
 */
export async function waitForArrivals(lane, ids, since, { firstTimeoutMs, completeTimeoutMs, what }) {
  while (performance.now() < since + completeTimeoutMs) {
    let arrived = 0;
    for (const id of ids) if (lane.firstArrivals.has(id)) arrived += 1;
    if (arrived === ids.size) return true;
    if (arrived === 0 && performance.now() > since + firstTimeoutMs) {
      throw new Error(
        `${what}: the receiver got none of ${ids.size} event(s) at ${lane.path} within ${firstTimeoutMs / 1000} s; delivery is broken (see the server log)`,
      );
    }
    await sleep(POLL_MS);
  }
  return false;
}
