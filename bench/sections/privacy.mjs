// Section `privacy`: what forgetting people costs. An archive of about 100,000 events (2,000
// people, 50 each, sent as browser-shaped batches) is seeded on a fresh server; then
//   - suppression latency: from the Regulations API's answer until the pipeline drops an event
//     of the suppressed person sent right after (its neighbour archived, the drop counted);
//   - a deletion of one person, then of 1,000 others, each from the POST to FINISHED (the
//     receipt verified). The job reads only the objects the person index names, and 1,000
//     people share one pass over them: `deleteBatchVsOneRatio` = 1,000 people ÷ 1 person (< 5).
import { adminPost, archivedCount, send, trackingRequest } from "../lib/client.mjs";
import { log, ratio, round, sleep } from "../lib/stats.mjs";

const PEOPLE = 2_000;
const EVENTS_PER_PERSON = Number(process.env.SLUICE_BENCH_PRIVACY_EVENTS_PER_PERSON ?? 50);
const BATCH_SIZE = 100;
const SEND_CONCURRENCY = 4;
const DELETED_TOGETHER = 1_000;
const TIMEOUT_MS = 600_000;
const SEND_TIMEOUT_MS = 30_000;

/** Person p's events, spread over the seeding like a session each: page views, tracks, one identify. */
function personEvent(runId, person, i, now) {
  const anonymousId = `bench-${runId}-anon-${person}`;
  const userId = `bench-${runId}-user-${person}`;
  const messageId = `bench-${runId}-p${person}-${i}`;
  const timestamp = now.toISOString();
  if (i === 0) return { type: "identify", userId, anonymousId, traits: { plan: "pro", email: `${userId}@example.com` }, messageId, timestamp };
  if (i % 5 === 0) return { type: "page", name: "Pricing", anonymousId, properties: { path: "/pricing" }, messageId, timestamp };
  return { type: "track", event: "Item Viewed", userId, properties: { sku: `sku-${i}`, price: i }, messageId, timestamp };
}

async function waitFor(what, probe, done, timeoutMs = TIMEOUT_MS, intervalMs = 250) {
  const start = performance.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (performance.now() - start > timeoutMs)
      throw new Error(`privacy bench: ${what} not reached after ${timeoutMs} ms (last: ${JSON.stringify(value).slice(0, 300)})`);
    await sleep(intervalMs);
  }
}

/**
 * Admin calls with a deadline: the local server now and then leaves a response hanging under
 * load, and a bench that waits forever measures nothing. A read that times out is asked again.
 */
async function adminJson(baseUrl, path, init = {}, timeoutMs = 10_000) {
  const response = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { Authorization: "Bearer dev_admin_token", "Content-Type": "application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
const readAgain = async (read) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 5 || error?.name !== "TimeoutError") throw error;
    }
  }
};
const regulation = (baseUrl, id) => readAgain(async () => (await adminJson(baseUrl, `/api/v1/regulations/${id}`)).regulation);
const suppressedTotal = (baseUrl, sourceId) =>
  readAgain(async () => (await adminJson(baseUrl, `/api/v1/pipeline/stats?sourceId=${sourceId}`)).suppressedByDay.reduce((sum, { count }) => sum + count, 0));

/** Deletes `userIds` (DELETE_INTERNAL) and times it from the request to FINISHED; answers the time and the receipt. */
async function timeDeletion(baseUrl, userIds) {
  const start = performance.now();
  const { regulation: created } = await adminJson(
    baseUrl,
    "/api/v1/regulations",
    { method: "POST", body: JSON.stringify({ regulationType: "DELETE_INTERNAL", subjectType: "USER_ID", subjectIds: userIds }) },
    120_000,
  );
  const ended = await waitFor(
    `regulation ${created.id} to end`,
    () => regulation(baseUrl, created.id),
    (found) => !["INITIALIZED", "RUNNING"].includes(found.status),
    TIMEOUT_MS,
    100,
  );
  const ms = performance.now() - start;
  if (ended.status !== "FINISHED") log(`privacy: regulation ${created.id} ended ${ended.status}: ${ended.error}`);
  // The server's own account of the job (creation, after coverage, to the last progress saved).
  const jobMs = Date.parse(ended.updatedAt) - Date.parse(ended.createdAt);
  return { ms, jobMs, status: ended.status, archive: ended.progress.stores.archive?.removed ?? {}, verification: ended.progress.verification };
}

export async function benchPrivacy(baseUrl, runId) {
  const { source } = await adminPost(baseUrl, "/api/v1/sources", { name: `Bench privacy ${runId}` });
  const now = new Date();
  // Rounds of every person's i-th event, so each person's events spread over the whole seeding.
  const events = [];
  for (let i = 0; i < EVENTS_PER_PERSON; i++) for (let person = 0; person < PEOPLE; person++) events.push(personEvent(runId, person, i, now));
  const requests = [];
  for (let offset = 0; offset < events.length; offset += BATCH_SIZE) {
    requests.push(trackingRequest(baseUrl, "/v1/batch", { batch: events.slice(offset, offset + BATCH_SIZE), sentAt: now.toISOString() }, source.writeKey));
  }
  log(`privacy: seeding ${events.length} events of ${PEOPLE} people in ${requests.length} batches`);
  const seedStart = performance.now();
  // As Segment's libraries do, a batch answered 5xx (the local queue pushing back) is sent again.
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > 5) throw new Error(`privacy bench: ${pending.length} seeding batches still failing after 5 attempts`);
    const failed = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: SEND_CONCURRENCY }, async () => {
        while (next < pending.length) {
          const request = pending[next++];
          // A request the local server leaves hanging (its queue producer stalled under load) is
          // abandoned and sent again; messageIds make a repeat a duplicate, not a second event.
          let status;
          try {
            const response = await fetch(request.url, { ...request.init, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
            await response.arrayBuffer();
            status = response.status;
          } catch {
            status = "timeout";
          }
          if (status === "timeout" || status >= 500) failed.push(request);
          else if (status !== 200) throw new Error(`privacy bench: a seeding batch answered ${status}`);
        }
      }),
    );
    if (failed.length > 0) log(`privacy: ${failed.length} batches answered 5xx or timed out; sending them again`);
    pending = failed;
    if (pending.length > 0) await sleep(1_000 * attempt);
  }
  await waitFor(
    `${events.length} events archived`,
    () => archivedCount(baseUrl, source.id),
    (count) => count >= events.length,
  );
  log(`privacy: archived in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; waiting for identity to catch up`);
  // The last person's identify came first in the seeding; their last event last: once it is on
  // their profile, identity has no backlog to compete with the deletions for the cores.
  const last = PEOPLE - 1;
  const profileEvents = `/v1/spaces/default/collections/users/profiles/user_id:${encodeURIComponent(`bench-${runId}-user-${last}`)}/events?limit=100`;
  const PROFILE_AUTH = `Basic ${Buffer.from("dev_profile_token:").toString("base64")}`;
  await waitFor(
    "identity to resolve the last event",
    async () => {
      const response = await fetch(`${baseUrl}${profileEvents}`, { headers: { Authorization: PROFILE_AUTH } });
      if (response.status === 404) return [];
      if (response.status !== 200) throw new Error(`privacy bench: the Profile API answered ${response.status}: ${await response.text()}`);
      return (await response.json()).data.map((event) => event.message_id);
    },
    (ids) => ids.includes(`bench-${runId}-p${last}-${EVENTS_PER_PERSON - 1}`),
    300_000,
  );
  log(`privacy: seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // Suppression: from the API's answer until an event of the person sent right after is dropped.
  const suppressedUser = `bench-${runId}-suppressed`;
  const before = await suppressedTotal(baseUrl, source.id);
  await adminPost(baseUrl, "/api/v1/regulations", { regulationType: "SUPPRESS_ONLY", subjectType: "USER_ID", subjectIds: [suppressedUser] });
  const answered = performance.now();
  await send(
    trackingRequest(
      baseUrl,
      "/v1/track",
      { type: "track", event: "After Suppression", userId: suppressedUser, messageId: `bench-${runId}-supp` },
      source.writeKey,
    ),
  );
  await waitFor(
    "the suppressed event to be dropped",
    () => suppressedTotal(baseUrl, source.id),
    (total) => total > before,
    30_000,
    50,
  );
  const suppressionMs = performance.now() - answered;
  log(`privacy: suppression effective ${suppressionMs.toFixed(0)} ms after the API answered`);

  const one = await timeDeletion(baseUrl, [`bench-${runId}-user-0`]);
  log(`privacy: deleting 1 person took ${(one.ms / 1000).toFixed(2)} s (${JSON.stringify(one.archive)})`);
  const many = await timeDeletion(
    baseUrl,
    Array.from({ length: DELETED_TOGETHER }, (_, i) => `bench-${runId}-user-${i + 1}`),
  );
  log(`privacy: deleting ${DELETED_TOGETHER} people took ${(many.ms / 1000).toFixed(2)} s (${JSON.stringify(many.archive)})`);
  return {
    archiveEvents: events.length,
    people: PEOPLE,
    suppressionLatencyMs: round(suppressionMs),
    deleteOneSeconds: round(one.ms / 1000),
    deleteOneStatus: one.status,
    deleteOneArchive: one.archive,
    deleteBatchPeople: DELETED_TOGETHER,
    deleteBatchSeconds: round(many.ms / 1000),
    deleteBatchStatus: many.status,
    deleteBatchArchive: many.archive,
    deleteBatchVerification: many.verification ?? null,
    deleteOneJobSeconds: round(one.jobMs / 1000),
    deleteBatchJobSeconds: round(many.jobMs / 1000),
    deleteBatchVsOneRatio: ratio(many.ms, one.ms),
  };
}
