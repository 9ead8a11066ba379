// Section `profileMemory`: what one profile Durable Object (ProfileObject, one per person) holds,
// on disk and in memory, for PEOPLE people who each send four page views and an identify: one
// anonymousId, one userId, one email (a trait) and five traits, five events kept on the profile.
//
// Storage is each profile's SQLite database as SQLite counts it (page count × page size, what
// `ctx.storage.sql.databaseSize` reports and Cloudflare bills as stored data), read from the files
// wrangler dev persists (bench/lib/sqlite-size.mjs), over every profile; the identity index's shards
// (IdentityIndexObject, a fixed number however many people) are reported per profile beside it.
// Pages are 4 KB and every table and index takes at least one, so a small profile's size is
// mostly its schema's pages.
//
// Memory: locally every Durable Object lives in the one workerd process (one V8 isolate for the
// Worker, each object a JS instance plus its own open SQLite database), so its resident memory is
// measured: idle objects are evicted after some seconds without requests, then every profile is
// read once through the Profile API (GET …/traits: index shard, then profile) and the growth is
// divided by the people; a second read of the same, now warm, profiles shows what the requests
// themselves leave behind. Medians over rounds. This is the local runtime's footprint, not a
// bill: Cloudflare charges a Durable Object's duration at 128 MB per active object whatever it
// uses, so for cost the figures that matter are requests, active time and stored bytes.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { eachLimited, sendInterleaved } from "../lib/people.mjs";
import { groupProcesses, residentBytes } from "../lib/process-memory.mjs";
import { waitUntilQuiet } from "../lib/process-cpu.mjs";
import { sqliteDatabaseBytes } from "../lib/sqlite-size.mjs";
import { log, median, round, sleep } from "../lib/stats.mjs";

const PEOPLE = 1_000;
const PAGE_VIEWS = 4;
const EVENTS_PER_PERSON = PAGE_VIEWS + 1;
const TRAITS = 5;
const BATCH_SIZE = 100;
const SEND_CONCURRENCY = 4;
const READ_CONCURRENCY = 8;
const RESOLVE_TIMEOUT_MS = 300_000;
const QUIET_TIMEOUT_MS = 30_000;
const ROUNDS = 3;
/** Longer than workerd keeps an idle Durable Object; then memory must hold still. */
const EVICTION_WAIT_MS = 15_000;
const SETTLE_POLL_MS = 2_000;
const SETTLED_BYTES = 1024 * 1024;
const SETTLE_TIMEOUT_MS = 90_000;
const PROFILE_AUTH = `Basic ${Buffer.from("dev_profile_token:").toString("base64")}`;
const CONTEXT = {
  library: { name: "analytics.js", version: "npm:next-1.70.0" },
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  locale: "en-US",
  timezone: "Europe/Berlin",
};

function personEvents(runId, person) {
  const anonymousId = `bench-${runId}-anon-${person}`;
  const userId = `bench-${runId}-user-${person}`;
  const messageId = (step) => `bench-${runId}-memory-${person}-${step}`;
  const events = [];
  for (let step = 0; step < PAGE_VIEWS; step += 1) {
    const path = ["/", "/pricing", "/docs", "/signup"][step % 4];
    const page = { path, title: `Acme ${path}`, url: `https://www.acme.example${path}`, referrer: "https://www.google.com/" };
    events.push({ type: "page", name: path, anonymousId, properties: page, context: { ...CONTEXT, page }, messageId: messageId(step) });
  }
  const traits = {
    email: `person${person}@acme.example`,
    firstName: "Ada",
    lastName: "Lovelace",
    plan: person % 4 === 0 ? "pro" : "free",
    createdAt: "2026-01-02T09:14:00.000Z",
  };
  events.push({ type: "identify", anonymousId, userId, traits, context: CONTEXT, messageId: messageId(PAGE_VIEWS) });
  return { userId, events };
}

async function profileGet(baseUrl, userId, resource) {
  const response = await fetch(`${baseUrl}/v1/spaces/default/collections/users/profiles/user_id:${encodeURIComponent(userId)}/${resource}`, {
    headers: { Authorization: PROFILE_AUTH },
  });
  const text = await response.text();
  return { status: response.status, body: response.status === 200 ? JSON.parse(text) : undefined };
}

/** Waits until every person's profile shows all their events and traits; throws past the deadline. */
async function waitUntilResolved(baseUrl, people, group, started) {
  let pending = people.map((person) => person.userId);
  let lastAnswer;
  while (pending.length > 0) {
    if (performance.now() - started > RESOLVE_TIMEOUT_MS) {
      throw new Error(
        `profileMemory bench: ${pending.length} profiles incomplete after ${RESOLVE_TIMEOUT_MS} ms; one answered ${JSON.stringify(lastAnswer).slice(0, 300)}`,
      );
    }
    // Reading a profile per person while identity works would slow it: first until the server rests
    // (or a while has passed: on a busy machine it may never look idle).
    await waitUntilQuiet(group, { timeoutMs: QUIET_TIMEOUT_MS });
    const incomplete = [];
    await eachLimited(pending, READ_CONCURRENCY, async (userId) => {
      const [events, traits] = await Promise.all([profileGet(baseUrl, userId, "events?limit=100"), profileGet(baseUrl, userId, "traits")]);
      const done = events.status === 200 && events.body.data.length >= EVENTS_PER_PERSON && Object.keys(traits.body?.traits ?? {}).length >= TRAITS;
      if (done) return;
      incomplete.push(userId);
      lastAnswer = { events: events.status, traits: traits.status, eventCount: events.body?.data.length, traits: traits.body?.traits };
    });
    pending = incomplete;
    if (pending.length > 0) log(`profileMemory: ${pending.length} profiles not complete yet`);
  }
}

/**
 * Bytes, as SQLite counts them, of every object's database of one Durable Object class in wrangler
 * dev's state: `<sha-256 of the id>.sqlite` each, beside the namespace's own `metadata.sqlite`.
 */
function classDatabases(persistDir, className) {
  const dir = join(persistDir, "v3", "do", `sluice-${className}`);
  return readdirSync(dir)
    .filter((name) => /^[0-9a-f]{64}\.sqlite$/.test(name))
    .map((name) => sqliteDatabaseBytes(join(dir, name)));
}

/** The workerd that runs the Worker: wrangler dev starts two, the other a small proxy in front. */
function runtimeProcess(group) {
  const workerds = groupProcesses(group).filter(({ command }) => command === "workerd");
  if (workerds.length === 0) throw new Error("profileMemory bench: no workerd in the server's process group");
  return workerds.map(({ pid }) => ({ pid, rss: residentBytes(pid).rss })).sort((a, b) => b.rss - a.rss)[0].pid;
}

/** Waits out the eviction of idle objects: EVICTION_WAIT_MS without requests, then until resident memory holds still. */
async function settledMemory(pid) {
  await sleep(EVICTION_WAIT_MS);
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let last = residentBytes(pid);
  for (;;) {
    await sleep(SETTLE_POLL_MS);
    const now = residentBytes(pid);
    if (Math.abs(now.rss - last.rss) < SETTLED_BYTES || performance.now() > deadline) return now;
    last = now;
  }
}

/** Reads every person's traits once; throws on anything but 200. */
async function readAll(baseUrl, people) {
  await eachLimited(people, READ_CONCURRENCY, async ({ userId }) => {
    const { status } = await profileGet(baseUrl, userId, "traits");
    if (status !== 200) throw new Error(`profileMemory bench: GET traits of ${userId} answered ${status}`);
  });
}

const growth = (after, before) => Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - before[key]]));

async function measureMemory(baseUrl, people, group) {
  const pid = runtimeProcess(group);
  const rounds = [];
  for (let pass = 0; pass < ROUNDS; pass += 1) {
    const idle = await settledMemory(pid);
    await readAll(baseUrl, people);
    const active = residentBytes(pid);
    await readAll(baseUrl, people);
    const again = residentBytes(pid);
    rounds.push({ cold: growth(active, idle), warm: growth(again, active), idle });
    log(`profileMemory: round ${pass + 1}: ${round((active.rss - idle.rss) / 1024 / 1024, 1)} MB more resident with ${people.length} profiles active`);
  }
  const perObject = (phase, key) => round(median(rounds.map((result) => result[phase][key])) / people.length, 0);
  return {
    workerdIdleRssBytes: median(rounds.map((result) => result.idle.rss)),
    profileDoRssBytesPerActiveObject: perObject("cold", "rss"),
    profileDoRssAnonBytesPerActiveObject: perObject("cold", "anon"),
    profileDoRssMappedBytesPerActiveObject: perObject("cold", "mapped"),
    warmReadRssBytesPerRequest: perObject("warm", "rss"),
  };
}

export async function benchProfileMemory(baseUrl, runId, server) {
  const people = Array.from({ length: PEOPLE }, (_, person) => personEvents(runId, person));
  const started = performance.now();
  // Each person's identify comes last.
  const sent = await sendInterleaved(baseUrl, people, { batchSize: BATCH_SIZE, concurrency: SEND_CONCURRENCY });
  await waitUntilResolved(baseUrl, people, server.processGroup, started);
  log(`profileMemory: ${people.length} profiles resolved (${sent} events) after ${round((performance.now() - started) / 1000)} s`);

  const profiles = classDatabases(server.persistDir, "ProfileObject");
  if (profiles.length !== PEOPLE) throw new Error(`profileMemory bench: ${profiles.length} profile objects for ${PEOPLE} people`);
  const indexBytes = classDatabases(server.persistDir, "IdentityIndexObject").reduce((sum, bytes) => sum + bytes, 0);
  const profileBytes = profiles.reduce((sum, bytes) => sum + bytes, 0);

  return {
    people: PEOPLE,
    eventsPerProfile: EVENTS_PER_PERSON,
    identifiersPerProfile: 3,
    traitsPerProfile: TRAITS,
    profileObjects: profiles.length,
    profileStorageBytesPerProfile: round(profileBytes / profiles.length, 0),
    profileStorageMinBytes: Math.min(...profiles),
    profileStorageMaxBytes: Math.max(...profiles),
    identityIndexStorageBytesPerProfile: round(indexBytes / PEOPLE, 0),
    ...(await measureMemory(baseUrl, people, server.processGroup)),
  };
}
