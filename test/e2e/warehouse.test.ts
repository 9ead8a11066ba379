import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { JS } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDb, type DuckDb } from "../node/support/duckdb";
import {
  adminFetch,
  baseUrl,
  basicAuth,
  createSource,
  DEV,
  readArchive,
  send,
  uniqueId,
  waitForMessages,
  waitUntil,
  type ArchivedEvent,
} from "./support/sluice";
import {
  downloadFile,
  downloadWarehouse,
  getWarehouseSource,
  runSync,
  updateWarehouseSource,
  warehouseJson,
  type Sync,
  type WarehouseCopy,
  type WarehouseSource,
} from "./support/warehouse";

/**
 * The warehouse end to end on `wrangler dev`: a realistic mix of calls through the Tracking API,
 * synced to Parquet in R2, downloaded through the files API and queried with DuckDB as a user
 * would (one glob per table, Hive partitions, files unioned by name). One fresh source for the
 * whole file; each `it` builds on the previous one's syncs, in order.
 */

const READ = "read_parquet($1, hive_partitioning = true, union_by_name = true)";
/** The table each call type lands in, and each track event's own table (Segment's warehouse schema). */
const TYPE_TABLES: Record<string, string> = { track: "tracks", page: "pages", screen: "screens", identify: "identifies", group: "groups", alias: "aliases" };
const EVENT_TABLES: Record<string, string> = {
  "Product Viewed": "product_viewed",
  "Order Completed": "order_completed",
  "Checkout Started": "checkout_started",
};
const SNAPSHOT_TABLES = new Set(["users", "accounts"]);

const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
const ada = { userId: uniqueId("ada-user"), anonymousId: uniqueId("ada-anon"), email: `${uniqueId("ada")}@example.com` };
const bob = { userId: uniqueId("bob-user"), anonymousId: uniqueId("bob-anon"), email: `${uniqueId("bob")}@example.com`, legacyId: uniqueId("bob-legacy") };
const groupId = uniqueId("engines");
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const adaOrder = {
  orderId: "ord-1001",
  total: 42.5,
  quantity: 3,
  isGift: true,
  coupon: "SPRING24",
  currency: "EUR",
  deliveredAt: "2026-04-02T09:30:00.000Z",
  shipping: { method: "express", cost: 4.99, address: { city: "London" } },
  products: [
    { sku: "sku-1", price: 10.5, quantity: 2 },
    { sku: "sku-2", price: 21.5, quantity: 1 },
  ],
};
const bobOrder = {
  orderId: "ord-1002",
  total: 19.99,
  quantity: 1,
  isGift: false,
  coupon: "WELCOME",
  currency: "EUR",
  deliveredAt: "2026-04-03T18:00:00.000Z",
  shipping: { method: "standard", cost: 0.5, address: { city: "Leeds" } },
  products: [{ sku: "sku-3", price: 19.49, quantity: 1 }],
};

const web = (path: string, title: string) => ({
  library: { name: "analytics.js", version: "5.2.0" },
  page: { path, url: `https://shop.example.com${path}`, title, referrer: "https://www.google.com/" },
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  locale: "en-GB",
});
const server = { library: { name: "analytics-node", version: "2.1.2" } };
const mobile = {
  library: { name: "analytics-ios", version: "4.1.8" },
  app: { name: "Shop", version: "3.2.1", build: "321" },
  os: { name: "iOS", version: "17.4" },
};
const message = () => `msg-${randomUUID()}`;
const adaOrderMessage = message();

/** Anonymous page views as a browser sends them, one call each; everything else as a server's batch. */
const anonymousPages = [
  { type: "page", messageId: message(), anonymousId: ada.anonymousId, name: "Home", properties: { path: "/", title: "Shop" }, context: web("/", "Shop") },
  {
    type: "page",
    messageId: message(),
    anonymousId: ada.anonymousId,
    name: "Pricing",
    properties: { path: "/pricing", title: "Pricing" },
    context: web("/pricing", "Pricing"),
  },
  { type: "page", messageId: message(), anonymousId: bob.anonymousId, name: "Home", properties: { path: "/", title: "Shop" }, context: web("/", "Shop") },
];
const batch = [
  // Ada's later identify arrives first: `users` must still take its values over the earlier call's.
  {
    type: "identify",
    messageId: message(),
    userId: ada.userId,
    anonymousId: ada.anonymousId,
    timestamp: minutesAgo(10),
    traits: { email: ada.email, plan: "pro", name: "Ada Lovelace" },
    context: web("/account", "Account"),
  },
  {
    type: "identify",
    messageId: message(),
    userId: ada.userId,
    timestamp: minutesAgo(40),
    traits: { plan: "free", firstName: "Ada", company: "Analytical Engines" },
    context: server,
  },
  {
    type: "identify",
    messageId: message(),
    userId: bob.userId,
    anonymousId: bob.anonymousId,
    traits: { email: bob.email, plan: "basic" },
    context: web("/signup", "Sign up"),
  },
  {
    type: "track",
    messageId: message(),
    userId: ada.userId,
    event: "Product Viewed",
    properties: { productId: "sku-1", price: 10.5, category: "Books" },
    context: web("/p/sku-1", "Book"),
  },
  {
    type: "track",
    messageId: message(),
    anonymousId: bob.anonymousId,
    event: "Product Viewed",
    properties: { productId: "sku-3", price: 19.49, category: "Games" },
    context: web("/p/sku-3", "Game"),
  },
  { type: "track", messageId: adaOrderMessage, userId: ada.userId, event: "Order Completed", properties: adaOrder, context: server },
  {
    type: "track",
    messageId: message(),
    userId: bob.userId,
    event: "Checkout Started",
    properties: { cartValue: 19.99 },
    context: web("/checkout", "Checkout"),
  },
  { type: "track", messageId: message(), userId: bob.userId, event: "Order Completed", properties: bobOrder, context: server },
  { type: "screen", messageId: message(), userId: ada.userId, name: "Settings", properties: { section: "billing" }, context: mobile },
  {
    type: "group",
    messageId: message(),
    userId: ada.userId,
    groupId,
    traits: { name: "Analytical Engines", employees: 42, industry: "Computing" },
    context: server,
  },
  { type: "alias", messageId: message(), userId: bob.userId, previousId: bob.legacyId, context: server },
];

let duck: DuckDb;
let sourceId: string;
let writeKey: string;
let slug: string;
let firstSync: Sync;
let copy: WarehouseCopy;
const copies: WarehouseCopy[] = [];

async function sendOrFail(path: string, body: unknown): Promise<void> {
  const answer = await send(path, body, { writeKey });
  if (answer.status !== 200 || answer.json?.success !== true) throw new Error(`POST ${path} answered ${answer.status}: ${answer.text}`);
}

async function segmentIdOf(identifier: string): Promise<string | null> {
  const [type, ...rest] = identifier.split(":");
  const path = `/v1/spaces/default/collections/users/profiles/${type}:${encodeURIComponent(rest.join(":"))}/metadata`;
  const response = await fetch(`${baseUrl()}${path}`, { headers: { Authorization: basicAuth(DEV.profileToken) } });
  if (response.status !== 200) {
    await response.body?.cancel();
    return null;
  }
  return ((await response.json()) as { metadata: { segment_id: string } }).metadata.segment_id;
}

async function profileIdOf(identifier: string): Promise<string> {
  const id = await segmentIdOf(identifier);
  if (id === null) throw new Error(`the Profile API finds no profile for ${identifier}`);
  return id;
}

/** Waits until the Profile API resolves every identifier to one profile; answers its segment_id. */
async function waitForOneProfile(identifiers: string[]): Promise<string> {
  const ids = await waitUntil(
    `one profile for ${identifiers.join(", ")}`,
    () => Promise.all(identifiers.map(segmentIdOf)),
    (found) => found[0] !== null && found.every((id) => id === found[0]),
    { timeoutMs: 20_000, intervalMs: 250 },
  );
  return ids[0]!;
}

/** Downloads the source's files after a sync; the copy replaces the previous one. */
async function refreshCopy(): Promise<WarehouseCopy> {
  copy = await downloadWarehouse(sourceId);
  copies.push(copy);
  return copy;
}

const tablePath = (table: string) => `${copy.dir}/warehouse/${slug}/${table}/**/*.parquet`;
const identityPath = (table: string) => `${copy.dir}/warehouse/profiles/${table}/*/${table}.parquet`;
const tablesOf = (files: readonly { key: string; table: string }[]) =>
  [...new Set(files.filter((file) => file.key.startsWith(`warehouse/${slug}/`)).map((file) => file.table))].sort();

async function columnTypes(table: string): Promise<Record<string, string>> {
  const rows = await duck.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${READ})`, tablePath(table));
  return Object.fromEntries(rows.map((row) => [row.column_name as string, row.column_type as string]));
}

async function idsIn(table: string): Promise<string[]> {
  return (await duck.query(`SELECT id FROM ${READ}`, tablePath(table))).map((row) => row.id as string).sort();
}

/** The messageIds each per-call table must hold: the archive's events of each type and track event. */
function expectedTables(events: readonly ArchivedEvent[], excluded: ReadonlySet<string> = new Set()): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  const add = (table: string | undefined, event: ArchivedEvent) => {
    if (table === undefined) throw new Error(`the test has no table for ${event.type} ${JSON.stringify(event.event)}`);
    if (!excluded.has(table)) tables.set(table, [...(tables.get(table) ?? []), event.messageId].sort());
  };
  for (const event of events) {
    add(TYPE_TABLES[event.type], event);
    if (event.type === "track") add(EVENT_TABLES[String(event.event)], event);
  }
  return tables;
}

/** Every per-call table of the copy holds exactly the archive's events, and the listing's row counts agree. */
async function expectTablesToMatchArchive(excluded: ReadonlySet<string> = new Set()): Promise<Map<string, string[]>> {
  const expected = expectedTables(await readArchive({ sourceId }), excluded);
  expect(tablesOf(copy.files).filter((table) => !SNAPSHOT_TABLES.has(table))).toEqual([...expected.keys()].sort());
  for (const [table, ids] of expected) {
    expect(await idsIn(table), table).toEqual(ids);
    const listed = copy.files.filter((file) => file.key.startsWith(`warehouse/${slug}/${table}/`)).reduce((sum, file) => sum + file.rows, 0);
    expect(listed, `rows of ${table} in the files listing`).toBe(ids.length);
  }
  return expected;
}

const fingerprint = (files: WarehouseCopy["files"]) => files.map(({ key, table, rows, bytes, sha256 }) => ({ key, table, rows, bytes, sha256 }));
const jsonText = (row: Record<string, JS>) => JSON.stringify(row, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));

/** Rows of any downloaded file (event tables, snapshots, identity tables) whose text holds one of `needles`. */
async function rowsHolding(needles: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of copy.files) {
    const rows = await duck.query("SELECT * FROM read_parquet($1)", join(copy.dir, file.key));
    rows.forEach((row, index) => {
      const text = jsonText(row);
      for (const needle of needles) if (text.includes(needle)) hits.push(`${file.key} row ${index} holds ${needle}: ${text.slice(0, 300)}`);
    });
  }
  return hits;
}

interface Regulation {
  id: string;
  status: string;
  error: string | null;
  progress: {
    stores: Record<string, { status: string; error?: string }>;
    destinations: Record<string, { status: string; error?: string }>;
    verification?: { occurrences: number; profilesStillFound: number };
    warehouse?: { requestedAt: string; error?: string };
  };
}

/**
 * Waits until a deletion has erased Sluice's own stores. FINISHED when nothing else is left; but
 * the e2e server is shared, and a forwarded deletion goes to every enabled destination of the
 * workspace, including other files' webhooks whose receivers have stopped, which it retries for
 * hours: so a RUNNING regulation whose every store is done (only forwarding left) counts too.
 */
async function waitForErasure(id: string): Promise<Regulation> {
  const get = async () => {
    const response = await adminFetch(`/api/v1/regulations/${encodeURIComponent(id)}`);
    if (response.status !== 200) throw new Error(`GET /api/v1/regulations/${id} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { regulation: Regulation }).regulation;
  };
  const storesDone = (regulation: Regulation) =>
    ["archive", "profiles", "identityIndex"].every((store) => regulation.progress.stores[store] !== undefined) &&
    Object.values(regulation.progress.stores).every(({ status }) => status === "done" || status === "skipped");
  const regulation = await waitUntil(
    `regulation ${id} to erase the person`,
    get,
    (found) => ["FINISHED", "PARTIAL_SUCCESS", "FAILED"].includes(found.status) || storesDone(found),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  if (regulation.status === "FAILED" || !storesDone(regulation)) throw new Error(`regulation ${id} did not erase everything: ${JSON.stringify(regulation)}`);
  if (regulation.progress.verification) expect(regulation.progress.verification).toMatchObject({ occurrences: 0, profilesStillFound: 0 });
  return regulation;
}

beforeAll(async () => {
  duck = await openDuckDb();
  ({ id: sourceId, writeKey } = await createSource(`Warehouse Proof ${suffix}`));
  for (const page of anonymousPages) await sendOrFail("/v1/page", page);
  await sendOrFail("/v1/batch", { batch, context: { library: server.library } });
  await waitForMessages(
    sourceId,
    [...anonymousPages, ...batch].map((event) => event.messageId),
    20_000,
  );
  // The identity tables are a snapshot of the profiles: sync once both people are resolved.
  await waitForOneProfile([`user_id:${ada.userId}`, `anonymous_id:${ada.anonymousId}`, `email:${ada.email}`]);
  await waitForOneProfile([`user_id:${bob.userId}`, `anonymous_id:${bob.anonymousId}`, `email:${bob.email}`]);
  firstSync = await runSync(sourceId);
  slug = (await getWarehouseSource(sourceId)).slug;
  await refreshCopy();
}, 120_000);

afterAll(async () => {
  duck?.close();
  for (const each of copies) await each.remove();
});

describe("the warehouse on wrangler dev, read with DuckDB", () => {
  it("answers sync requests: 404 for an unknown source, 400 naming the field of a bad body, and the finished sync's record", async () => {
    const unknown = await adminFetch("/api/v1/warehouse/syncs", { method: "POST", body: JSON.stringify({ sourceId: uniqueId("no-such-source") }) });
    expect(unknown.status).toBe(404);
    for (const [body, field] of [
      [{}, "sourceId"],
      [{ sourceId: 42 }, "sourceId"],
      [{ sourceId, full: "yes" }, "full"],
    ] as const) {
      const refused = await adminFetch("/api/v1/warehouse/syncs", { method: "POST", body: JSON.stringify(body) });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(await refused.text(), JSON.stringify(body)).toContain(field);
    }
    expect(firstSync).toMatchObject({ sourceId, status: "succeeded", trigger: "manual" });
    expect(firstSync.hoursTotal).toBeGreaterThanOrEqual(1);
    expect(firstSync.hoursSynced).toBe(firstSync.hoursTotal);
    expect(firstSync.finishedAt).toEqual(expect.any(String));
    // The slug is the source's name, snake_cased.
    expect(slug).toBe(`warehouse_proof_${suffix}`);
  });

  it("holds, per table, exactly the archive's events of each type and each track event, partitioned by received_at", async () => {
    const expected = await expectTablesToMatchArchive();
    expect([...expected.keys()].sort()).toEqual(
      ["aliases", "checkout_started", "groups", "identifies", "order_completed", "pages", "product_viewed", "screens", "tracks"].sort(),
    );
    expect(expected.get("order_completed")).toHaveLength(2);
    expect(expected.get("pages")).toHaveLength(3);
    // Each row sits in the file of its archive hour: dt=<received_at's day>/<its hour>-NNN.parquet.
    const receivedAt = new Map((await readArchive({ sourceId })).map((event) => [event.messageId, event.receivedAt]));
    for (const table of expected.keys()) {
      const rows = await duck.query(
        `SELECT id, received_at, CAST(dt AS VARCHAR) AS dt, filename FROM read_parquet($1, hive_partitioning = true, union_by_name = true, filename = true)`,
        tablePath(table),
      );
      for (const row of rows) {
        const id = row.id as string;
        const archived = receivedAt.get(id)!;
        expect((row.received_at as Date).toISOString(), `${table} ${id}`).toBe(archived);
        expect(row.dt).toBe(archived.slice(0, 10));
        expect(row.filename as string).toMatch(
          new RegExp(`/warehouse/${slug}/${table}/dt=${archived.slice(0, 10)}/${archived.slice(11, 13)}-\\d{3}\\.parquet$`),
        );
      }
    }
    expect((await duck.query(`SELECT id FROM ${READ} ORDER BY id`, tablePath("users"))).map((row) => row.id)).toEqual([ada.userId, bob.userId].sort());
    expect((await duck.query(`SELECT id FROM ${READ}`, tablePath("accounts"))).map((row) => row.id)).toEqual([groupId]);
  });

  it("gives a custom event's table its properties as typed columns, nested objects flattened, arrays as JSON, values round-tripped", async () => {
    const types = await columnTypes("order_completed");
    expect(types).toMatchObject({
      id: "VARCHAR",
      event: "VARCHAR",
      event_text: "VARCHAR",
      user_id: "VARCHAR",
      order_id: "VARCHAR",
      coupon: "VARCHAR",
      quantity: "BIGINT",
      total: "DOUBLE",
      is_gift: "BOOLEAN",
      shipping_method: "VARCHAR",
      shipping_cost: "DOUBLE",
      shipping_address_city: "VARCHAR",
      products: "VARCHAR",
      context_library_name: "VARCHAR",
    });
    for (const column of ["received_at", "timestamp", "delivered_at"]) expect(types[column], column).toMatch(/^TIMESTAMP( WITH TIME ZONE)?$/);
    expect(Object.keys(types).filter((column) => column === "shipping" || column.startsWith("products_"))).toEqual([]);

    const [row] = await duck.query(
      `SELECT event, event_text, user_id, order_id, coupon, currency, quantity, total, is_gift, delivered_at, shipping_method, shipping_cost,
              shipping_address_city, context_library_name FROM ${READ} WHERE id = $2`,
      tablePath("order_completed"),
      adaOrderMessage,
    );
    expect(row).toEqual({
      event: "order_completed",
      event_text: "Order Completed",
      user_id: ada.userId,
      order_id: adaOrder.orderId,
      coupon: adaOrder.coupon,
      currency: adaOrder.currency,
      quantity: 3n,
      total: 42.5,
      is_gift: true,
      delivered_at: new Date(adaOrder.deliveredAt),
      shipping_method: "express",
      shipping_cost: 4.99,
      shipping_address_city: "London",
      context_library_name: "analytics-node",
    });
    const [{ products }] = (await duck.query(`SELECT products FROM ${READ} WHERE id = $2`, tablePath("order_completed"), adaOrderMessage)) as [
      { products: string },
    ];
    expect(JSON.parse(products)).toEqual(adaOrder.products);
    // `tracks` is the rollup of every track: standard columns, no properties.
    const tracks = await columnTypes("tracks");
    expect(tracks).toMatchObject({ id: "VARCHAR", event: "VARCHAR", event_text: "VARCHAR" });
    expect(Object.keys(tracks).filter((column) => ["quantity", "total", "order_id", "product_id"].includes(column))).toEqual([]);
  });

  it("keeps each user's latest traits in users: the later identify's values win, a trait only in the earlier one stays", async () => {
    const rows = await duck.query(`SELECT id, plan, email, name, first_name, company FROM ${READ} ORDER BY id`, tablePath("users"));
    expect(rows).toEqual(
      [
        { id: ada.userId, plan: "pro", email: ada.email, name: "Ada Lovelace", first_name: "Ada", company: "Analytical Engines" },
        { id: bob.userId, plan: "basic", email: bob.email, name: null, first_name: null, company: null },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(await duck.query(`SELECT id, name, employees, industry FROM ${READ}`, tablePath("accounts"))).toEqual([
      { id: groupId, name: "Analytical Engines", employees: 42n, industry: "Computing" },
    ]);
  });

  it("joins an anonymous page view to the user the same person signed in as, through the identity graph", async () => {
    const [adaProfile, bobProfile] = await Promise.all([profileIdOf(`user_id:${ada.userId}`), profileIdOf(`user_id:${bob.userId}`)]);
    const rows = await duck.query(
      `SELECT p.id, p.anonymous_id, u.identifier_value AS user_id, a.segment_id
         FROM ${READ} AS p
         JOIN read_parquet($2) AS a ON a.identifier_type = 'anonymous_id' AND a.identifier_value = p.anonymous_id
         JOIN read_parquet($2) AS u ON u.segment_id = a.segment_id AND u.identifier_type = 'user_id'
        ORDER BY p.id`,
      tablePath("pages"),
      identityPath("identity_graph"),
    );
    expect(rows).toEqual(
      anonymousPages
        .map((page) => {
          const person = page.anonymousId === ada.anonymousId ? { ...ada, segmentId: adaProfile } : { ...bob, segmentId: bobProfile };
          return { id: page.messageId, anonymous_id: person.anonymousId, user_id: person.userId, segment_id: person.segmentId };
        })
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    const identifiers = await duck.query(
      "SELECT identifier_type, identifier_value, source_id FROM read_parquet($1) WHERE segment_id = $2 ORDER BY identifier_type",
      identityPath("identity_graph"),
      adaProfile,
    );
    expect(identifiers).toEqual([
      { identifier_type: "anonymous_id", identifier_value: ada.anonymousId, source_id: sourceId },
      { identifier_type: "email", identifier_value: ada.email, source_id: sourceId },
      { identifier_type: "user_id", identifier_value: ada.userId, source_id: sourceId },
    ]);
  });

  it("adds a property never seen before as a new column at the next sync, older rows null in it", { timeout: 90_000 }, async () => {
    const newOrder = { ...bobOrder, orderId: "ord-1003", total: 7.25, loyaltyTier: "gold" };
    const event = { type: "track", messageId: message(), userId: bob.userId, event: "Order Completed", properties: newOrder, context: server };
    await sendOrFail("/v1/track", event);
    await waitForMessages(sourceId, [event.messageId], 20_000);
    expect(await columnTypes("order_completed")).not.toHaveProperty("loyalty_tier");

    await runSync(sourceId);
    await refreshCopy();
    expect(await columnTypes("order_completed")).toMatchObject({ loyalty_tier: "VARCHAR", quantity: "BIGINT", total: "DOUBLE" });
    const rows = await duck.query(`SELECT id, order_id, loyalty_tier, total FROM ${READ} ORDER BY order_id`, tablePath("order_completed"));
    expect(rows.map(({ order_id, loyalty_tier, total }) => ({ order_id, loyalty_tier, total }))).toEqual([
      { order_id: "ord-1001", loyalty_tier: null, total: 42.5 },
      { order_id: "ord-1002", loyalty_tier: null, total: 19.99 },
      { order_id: "ord-1003", loyalty_tier: "gold", total: 7.25 },
    ]);
    await expectTablesToMatchArchive();
  });

  it("changes nothing when a sync runs again, incremental or full: same keys, rows, sizes and bytes", { timeout: 120_000 }, async () => {
    const before = fingerprint(copy.files);
    expect(before.length).toBeGreaterThan(0);
    const again = await runSync(sourceId);
    expect(fingerprint((await refreshCopy()).files)).toEqual(before);
    const full = await runSync(sourceId, { full: true });
    expect(full.hoursSynced).toBe(full.hoursTotal);
    expect(fingerprint((await refreshCopy()).files)).toEqual(before);

    const { syncs } = await warehouseJson<{ syncs: Sync[] }>("GET", `/syncs?sourceId=${encodeURIComponent(sourceId)}`, undefined, 200);
    expect(syncs.slice(0, 2).map((sync) => sync.id)).toEqual([full.id, again.id]);
    expect(syncs.map((sync) => sync.id)).toContain(firstSync.id);
    expect((await getWarehouseSource(sourceId)).lastSync?.id).toBe(full.id);
  });

  it("leaves out an excluded event's table and an excluded column at the next sync (selective sync)", { timeout: 90_000 }, async () => {
    const productViewedKeys = copy.files.filter((file) => file.table === "product_viewed").map((file) => file.key);
    expect(productViewedKeys.length).toBeGreaterThan(0);
    expect(await columnTypes("order_completed")).toHaveProperty("coupon");

    const settings = { excludedEvents: ["product_viewed"], excludedProperties: { order_completed: ["coupon"] } };
    expect(await updateWarehouseSource(sourceId, settings)).toMatchObject<Partial<WarehouseSource>>({ sourceId, slug, ...settings });
    await runSync(sourceId);
    await refreshCopy();

    expect(tablesOf(copy.files)).not.toContain("product_viewed");
    for (const key of productViewedKeys) {
      const gone = await downloadFile(key);
      await gone.body?.cancel();
      expect(gone.status, key).toBe(404);
    }
    const types = await columnTypes("order_completed");
    expect(types).not.toHaveProperty("coupon");
    expect(types).toMatchObject({ order_id: "VARCHAR", total: "DOUBLE", loyalty_tier: "VARCHAR" });
    // The event's rows stay in `tracks`, a table of its own.
    await expectTablesToMatchArchive(new Set(["product_viewed"]));
    expect(await duck.query(`SELECT count(*) AS n FROM ${READ} WHERE event_text = 'Product Viewed'`, tablePath("tracks"))).toEqual([{ n: 2n }]);
  });

  it("removes a deleted person from every table by the sync the regulation starts, and keeps everyone else", { timeout: 120_000 }, async () => {
    const adaProfile = await profileIdOf(`user_id:${ada.userId}`);
    const bobProfile = await profileIdOf(`user_id:${bob.userId}`);
    const adaNeedles = [ada.userId, ada.anonymousId, ada.email, adaProfile];
    // Not vacuous: before the deletion she is in the event tables, users and the identity tables.
    const before = await rowsHolding(adaNeedles);
    for (const table of ["pages", "identifies", "tracks", "order_completed", "screens", "groups", "users", "identity_graph", "profile_traits"])
      expect(
        before.some((hit) => hit.includes(`/${table}/`)),
        `Ada in ${table} before the deletion`,
      ).toBe(true);

    const created = await adminFetch("/api/v1/regulations", {
      method: "POST",
      body: JSON.stringify({ regulationType: "SUPPRESS_WITH_DELETE", subjectType: "USER_ID", subjectIds: [ada.userId] }),
    });
    expect(created.status).toBe(201);
    const regulationId = ((await created.json()) as { regulation: { id: string } }).regulation.id;
    await waitForErasure(regulationId);
    const archive = await readArchive({ sourceId });
    expect(archive.filter((event) => JSON.stringify(event).includes(ada.userId) || JSON.stringify(event).includes(ada.anonymousId))).toEqual([]);

    // No sync is asked for here: once Sluice's own stores are erased, the regulation asks every
    // source's sync to run, and notes when. A sync created since then has read the erased archive
    // (another file's regulation may have started an earlier one, which would not count). Its
    // trigger is "regulation" unless the request folded into one already queued for this source.
    const { requestedAt, error } = await waitUntil(
      `regulation ${regulationId} to ask for the warehouse syncs`,
      async () => ((await (await adminFetch(`/api/v1/regulations/${encodeURIComponent(regulationId)}`)).json()) as { regulation: Regulation }).regulation,
      (regulation) => regulation.progress.warehouse !== undefined,
      { timeoutMs: 30_000, intervalMs: 250 },
    ).then((regulation) => regulation.progress.warehouse!);
    expect(error).toBeUndefined();
    const sinceErasure = (sync: Sync) => Date.parse(sync.createdAt) >= Date.parse(requestedAt);
    const regulationSync = await waitUntil(
      `a sync of source ${sourceId} the regulation asked for to end`,
      async () => (await warehouseJson<{ syncs: Sync[] }>("GET", `/syncs?sourceId=${encodeURIComponent(sourceId)}`, undefined, 200)).syncs,
      (syncs) => syncs.some((sync) => sinceErasure(sync) && sync.status !== "running"),
      { timeoutMs: 60_000, intervalMs: 250 },
    ).then((syncs) => syncs.find((sync) => sinceErasure(sync) && sync.status !== "running")!);
    expect(regulationSync).toMatchObject({ status: "succeeded" });
    await refreshCopy();
    expect(await rowsHolding(adaNeedles)).toEqual([]);

    // Bob is still everywhere he was, and the tables still match the archive.
    await expectTablesToMatchArchive(new Set(["product_viewed"]));
    expect(await duck.query(`SELECT count(*) AS n FROM ${READ} WHERE anonymous_id = $2`, tablePath("pages"), bob.anonymousId)).toEqual([{ n: 1n }]);
    expect(await duck.query(`SELECT count(*) AS n FROM ${READ} WHERE user_id = $2`, tablePath("order_completed"), bob.userId)).toEqual([{ n: 2n }]);
    expect(await duck.query(`SELECT id, plan FROM ${READ}`, tablePath("users"))).toEqual([{ id: bob.userId, plan: "basic" }]);
    expect(
      await duck.query(
        "SELECT segment_id FROM read_parquet($1) WHERE identifier_type = 'user_id' AND identifier_value = $2",
        identityPath("identity_graph"),
        bob.userId,
      ),
    ).toEqual([{ segment_id: bobProfile }]);
    expect(await duck.query("SELECT count(*) AS n FROM read_parquet($1) WHERE segment_id = $2", identityPath("profile_traits"), bobProfile)).toEqual([
      { n: 1n },
    ]);
  });
});
