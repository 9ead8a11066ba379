// Section `identity`: events per second through the consumer's identity step, measured end to
// end (first send → every event visible on its profile through the Profile API), and the
// Profile API's `/traits` latency (Segment: p95 under 200 ms; target here p95 < 50 ms locally).
// Each person sends anonymous page views, then an identify that merges nothing new but links the
// user id, so the mix exercises creates, adds and trait writes.
import { eachLimited, sendInterleaved } from "../lib/people.mjs";
import { log, median, quantile, round, sleep } from "../lib/stats.mjs";

const PEOPLE = 1_000;
const EVENTS_PER_PERSON = 5;
const BATCH_SIZE = 100;
const SEND_CONCURRENCY = 4;
/** People polled while the consumer works; everyone is checked once they are complete. */
const SAMPLE = 50;
const CHECK_CONCURRENCY = 8;
const TRAITS_REQUESTS = 200;
const TIMEOUT_MS = 180_000;
const PROFILE_AUTH = `Basic ${Buffer.from("dev_profile_token:").toString("base64")}`;

function personEvents(runId, person) {
  const anonymousId = `bench-${runId}-anon-${person}`;
  const userId = `bench-${runId}-user-${person}`;
  const events = [];
  for (let i = 0; i < EVENTS_PER_PERSON - 1; i += 1) {
    events.push({ type: "page", name: `Page ${i}`, anonymousId, messageId: `bench-${runId}-id-${person}-${i}` });
  }
  events.push({ type: "identify", anonymousId, userId, traits: { plan: "pro", seats: person }, messageId: `bench-${runId}-id-${person}-last` });
  return { userId, events };
}

async function profileGet(baseUrl, path) {
  const response = await fetch(`${baseUrl}${path}`, { headers: { Authorization: PROFILE_AUTH } });
  const text = await response.text();
  return { status: response.status, body: response.status === 200 ? JSON.parse(text) : undefined };
}

const eventsPath = (userId) => `/v1/spaces/default/collections/users/profiles/user_id:${encodeURIComponent(userId)}/events?limit=100`;
const traitsPath = (userId) => `/v1/spaces/default/collections/users/profiles/user_id:${encodeURIComponent(userId)}/traits`;

/** Polls `people` until each profile shows all its events; returns nothing, throws on timeout. */
async function waitUntilComplete(baseUrl, people, started) {
  const pending = new Set(people.map((person) => person.userId));
  while (pending.size > 0) {
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`identity bench: ${pending.size} profiles incomplete after ${TIMEOUT_MS} ms`);
    await eachLimited([...pending], CHECK_CONCURRENCY, async (userId) => {
      const answer = await profileGet(baseUrl, eventsPath(userId));
      if (answer.status === 200 && answer.body.data.length >= EVENTS_PER_PERSON) pending.delete(userId);
    });
    if (pending.size > 0) await sleep(250);
  }
}

export async function benchIdentity(baseUrl, runId) {
  const people = Array.from({ length: PEOPLE }, (_, person) => personEvents(runId, person));
  const started = performance.now();
  // This mix resolves to the same profiles in any order.
  const sent = await sendInterleaved(baseUrl, people, { batchSize: BATCH_SIZE, concurrency: SEND_CONCURRENCY });
  log(`identity: ${sent} events sent in ${round((performance.now() - started) / 1000)} s`);

  // The last people's last events are in the last batches: a sample of them, then everyone.
  await waitUntilComplete(baseUrl, people.slice(-SAMPLE), started);
  await waitUntilComplete(baseUrl, people, started);
  const seconds = (performance.now() - started) / 1000;
  log(`identity: ${sent} events on ${PEOPLE} profiles in ${round(seconds)} s`);

  const latencies = [];
  for (let i = 0; i < TRAITS_REQUESTS; i += 1) {
    const start = performance.now();
    const answer = await profileGet(baseUrl, traitsPath(people[i % PEOPLE].userId));
    latencies.push(performance.now() - start);
    if (answer.status !== 200) throw new Error(`identity bench: /traits answered ${answer.status}`);
  }
  return {
    events: sent,
    profiles: PEOPLE,
    eventsPerSecond: round(sent / seconds, 1),
    traitsRequests: TRAITS_REQUESTS,
    traitsMedianMs: round(median(latencies)),
    traitsP95Ms: round(quantile(latencies, 0.95)),
    traitsP95TargetMs: 50,
  };
}
