import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "./support/hostile/client";
import { oddString, oddValue } from "./support/hostile/events";
import { expectHandled, expectRefusedNaming, refusedByClosing } from "./support/hostile/oracle";
import { operationsOf, shapedBy, type OpenApiDocument, type Operation } from "./support/hostile/openapi";
import { forgedAuthorization, KNOWN_METHODS, oddPathFrom, oddSegment } from "./support/hostile/requests";
import { fcOptions } from "./support/hostile/runs";
import { ADMIN_AUTH, createSource, DEV, jsonOf, startSluice, type Sluice } from "./support/hostile/sluice";

/**
 * Hostile input to the admin API of one private `wrangler dev`, property-based, over every
 * operation its OpenAPI document lists (so new routes are covered as they are added): bodies
 * shaped by each request schema with one field made hostile, arbitrary and broken JSON, odd path
 * and query parameters, forged and oversized bearer tokens, odd methods and paths. Never a 5xx;
 * a 4xx says what was wrong; the Worker stays up.
 */

let sluice: Sluice;
let document: OpenApiDocument;
let operations: Operation[];
/** Ids of real resources, so hostile bodies reach the code behind the "not found" checks. */
const fixtures: Record<string, string> = {};

const firstId = (answer: Answer, what: string) => Object.values(jsonOf<Record<string, { id: string }>>(answer, 201, what))[0]!.id;

beforeAll(async () => {
  sluice = await startSluice("hostile-admin");
  document = jsonOf<OpenApiDocument>(await sluice.client.request({ path: "/api/v1/openapi.json" }), 200, "GET /api/v1/openapi.json");
  operations = operationsOf(document, "/api/v1/");
  const source = await createSource(sluice, "Hostile admin");
  fixtures.source = source.id;
  fixtures.plan = firstId(await sluice.admin("POST", "/api/v1/tracking-plans", { name: "Hostile plan", rules: [] }), "a tracking plan");
  fixtures.destination = firstId(
    await sluice.admin("POST", "/api/v1/destinations", {
      name: "Hostile hook",
      type: "webhook",
      enabled: true,
      sourceIds: [source.id],
      settings: { url: "http://127.0.0.1:9/hook" },
    }),
    "a destination",
  );
  fixtures.filter = firstId(
    await sluice.admin("POST", `/api/v1/destinations/${fixtures.destination}/filters`, {
      title: "Drop tracks",
      if: "type = 'track'",
      actions: [{ type: "DROP" }],
      enabled: true,
    }),
    "a destination filter",
  );
  fixtures.transformation = firstId(
    await sluice.admin("POST", `/api/v1/sources/${source.id}/transformations`, { eventType: "track", eventName: "A", newEventName: "B" }),
    "a transformation",
  );
  const catalog = jsonOf<{ destinations: { slug: string }[] }>(await sluice.admin("GET", "/api/v1/catalog/destinations"), 200, "the catalog");
  fixtures.slug = catalog.destinations[0]!.slug;
});

afterEach(({ task }) => {
  if (task.result?.state === "fail") sluice?.noteFailure();
});

afterAll(async () => {
  await sluice?.stop();
});

/** The fixture a path parameter names, by the resource the path is about. */
function fixtureFor(operation: Operation, param: string): string {
  if (param === "tid") return fixtures.transformation!;
  if (param === "filterId") return fixtures.filter!;
  if (param === "slug") return fixtures.slug!;
  const resource = operation.path.split("/")[3];
  return { sources: fixtures.source, "tracking-plans": fixtures.plan, destinations: fixtures.destination }[resource ?? ""] ?? "no-such-id";
}

/** The operation's path with its parameters filled: real ids mostly, odd segments sometimes (always for DELETE, to keep the fixtures). */
function pathOf(operation: Operation): fc.Arbitrary<string> {
  const values = operation.params.map((param) =>
    operation.method === "DELETE"
      ? oddSegment
      : fc.oneof({ arbitrary: fc.constant(fixtureFor(operation, param)), weight: 3 }, { arbitrary: oddSegment, weight: 1 }),
  );
  return fc.tuple(...values).map((filled) => operation.params.reduce((path, param, index) => path.replace(`{${param}}`, filled[index]!), operation.path));
}

const PROTO_MARK = "__hostile_proto__";
const DEEP_MARK = "__hostile_deep__";

/** A value no field should take: wrong types, odd strings, huge strings, and (as text) a __proto__ key or deep nesting. */
const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1e308, "", [], {}, [null], { "": "" }),
  oddString,
  oddValue,
  fc.integer({ min: 100_000, max: 1_000_000 }).map((length) => "x".repeat(length)),
  fc.constant(PROTO_MARK),
  fc.constant(DEEP_MARK),
);

interface BodyCase {
  body: string | Buffer;
  /** Set when the body must be refused for a known reason, whatever the route. */
  refusal?: { field: string; message: RegExp };
  note: string;
}

/** The body's JSON with the marks written out; `at` is where the hostile value sits. */
function withMarks(value: unknown, at: readonly string[]): BodyCase {
  let text = JSON.stringify(value);
  let refusal: BodyCase["refusal"];
  if (text.includes(`"${PROTO_MARK}"`)) {
    text = text.replace(`"${PROTO_MARK}"`, `{"__proto__":{"isAdmin":true}}`);
    refusal = { field: [...at, "__proto__"].join("."), message: /__proto__/ };
  } else if (text.includes(`"${DEEP_MARK}"`)) {
    text = text.replace(`"${DEEP_MARK}"`, `${"[".repeat(5_000)}${"]".repeat(5_000)}`);
    // The message names the first two steps of the way down.
    refusal = { field: [...at, "0"].slice(0, 2).join("."), message: /100 levels deep/ };
  }
  return { body: text, ...(refusal ? { refusal } : {}), note: `hostile ${at.join(".") || "body"}` };
}

/** Paths of the objects and arrays in `value` (itself is []), a few levels down. */
function containerPaths(value: unknown, path: string[] = [], paths: string[][] = []): string[][] {
  if (typeof value !== "object" || value === null || path.length > 4) return paths;
  paths.push(path);
  for (const [key, inner] of Object.entries(value)) containerPaths(inner, [...path, key], paths);
  return paths;
}

/** `value` (a copy) with a hostile value at an existing or new key of one of its containers. */
const hostileInside = (value: unknown) =>
  fc.record({ pick: fc.nat(), newKey: oddString, useExisting: fc.boolean(), hostile: hostileValue }).map(({ pick, newKey, useExisting, hostile }) => {
    // A deep copy that shares no object between two places, so the hostile value lands in one.
    const root: unknown = JSON.parse(JSON.stringify(typeof value === "object" && value !== null ? value : {}));
    const paths = containerPaths(root);
    const path = paths[pick % paths.length]!;
    let container = root as Record<string, unknown>;
    for (const key of path) container = container[key] as Record<string, unknown>;
    const existing = Object.keys(container);
    const key = Array.isArray(container)
      ? String(useExisting && existing.length > 0 ? pick % existing.length : existing.length)
      : useExisting && existing.length > 0
        ? existing[pick % existing.length]!
        : newKey;
    container[key] = hostile;
    return withMarks(root, [...path, key]);
  });

function bodyFor(operation: Operation): fc.Arbitrary<BodyCase> {
  const shaped = operation.body ? shapedBy(operation.body, document) : fc.constant(null).map(() => ({}));
  const broken = shaped.chain((value) => {
    const text = JSON.stringify(value);
    return fc.oneof(
      fc.integer({ min: 1, max: Math.max(1, text.length - 1) }).map((cut): BodyCase => ({ body: text.slice(0, cut), note: `cut after ${cut} characters` })),
      fc.constantFrom<BodyCase>(
        { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), note: "not UTF-8" },
        { body: "null", note: "null" },
        { body: "[]", note: "an array" },
        { body: '"text"', note: "a string" },
        { body: "\uFEFF{}", note: "a byte order mark" },
        { body: "   ", note: "blank" },
      ),
    );
  });
  return fc.oneof(
    { arbitrary: shaped.map((value): BodyCase => ({ body: JSON.stringify(value), note: "shaped by the schema" })), weight: 2 },
    { arbitrary: shaped.chain(hostileInside), weight: 5 },
    { arbitrary: fc.jsonValue().map((value): BodyCase => ({ body: JSON.stringify(value), note: "any JSON" })), weight: 1 },
    { arbitrary: broken, weight: 2 },
  );
}

describe("the admin API under hostile input", () => {
  it("answers hostile bodies on every operation that takes one with a 2xx or a 4xx that says why", async () => {
    const withBodies = operations.filter((operation) => operation.method !== "GET");
    expect(withBodies.length, "the document lists the admin API's writes").toBeGreaterThan(20);
    const cases = fc
      .constantFrom(...withBodies)
      .chain((operation) => fc.record({ operation: fc.constant(operation), path: pathOf(operation), body: bodyFor(operation) }));
    await fc.assert(
      fc.asyncProperty(cases, async ({ operation, path, body }) => {
        const answer = await sluice.client.request({
          method: operation.method,
          path,
          headers: { ...ADMIN_AUTH, "Content-Type": "application/json" },
          body: body.body,
        });
        const what = `${operation.method} ${path.slice(0, 100)} with ${body.note}`;
        if (body.refusal && answer.status !== 404) expectRefusedNaming(answer, body.refusal.field, what, body.refusal.message);
        else expectHandled(answer, what);
        if (answer.status < 300) expect(answer.json, `${what}: a JSON answer`).toBeDefined();
      }),
      fcOptions(400),
    );
    await sluice.expectHealthy();
  });

  it("answers odd path and query parameters on every read with a 2xx or a 4xx that says why", async () => {
    const reads = operations.filter((operation) => operation.method === "GET");
    const query = fc.array(
      fc.tuple(fc.constantFrom("sourceId", "from", "to", "limit", "cursor", "next", "page", "type", "status", "q", "include"), oddSegment),
      { maxLength: 4 },
    );
    const cases = fc.constantFrom(...reads).chain((operation) => fc.record({ path: pathOf(operation), query }));
    await fc.assert(
      fc.asyncProperty(cases, async ({ path, query }) => {
        const search = query.map(([key, value]) => `${key}=${value}`).join("&");
        const answer = await sluice.client.request({ path: search ? `${path}?${search}` : path, headers: ADMIN_AUTH });
        expectHandled(answer, `GET ${path.slice(0, 100)}?${search.slice(0, 100)}`);
      }),
      fcOptions(150),
    );
    await sluice.expectHealthy();
  });

  it("refuses forged, malformed and oversized admin tokens with a 401 (or workerd's 431), never answering", async () => {
    const others = [`Bearer ${DEV.profileToken}`, `Bearer ${DEV.writeKey}`, `Basic ${Buffer.from(`${DEV.profileToken}:`).toString("base64")}`];
    const authorization = fc.oneof(forgedAuthorization([DEV.adminToken], "Bearer"), fc.constantFrom(...others));
    const cases = fc.constantFrom(...operations).chain((operation) => fc.record({ operation: fc.constant(operation), path: pathOf(operation), authorization }));
    await fc.assert(
      fc.asyncProperty(cases, async ({ operation, path, authorization }) => {
        const answer = await sluice.client.request({
          method: operation.method,
          path,
          headers: { Authorization: authorization, "Content-Type": "application/json" },
          body: "{}",
        });
        const what = `${operation.method} ${path.slice(0, 80)} with Authorization ${JSON.stringify(authorization.slice(0, 60))}`;
        if (refusedByClosing(answer, authorization, what)) return;
        expectHandled(answer, what);
        expect([401, 431], `${what} → ${answer.status} ${answer.text.slice(0, 200)}`).toContain(answer.status);
        if (answer.status === 401) expect(answer.headers["www-authenticate"], what).toMatch(/^Bearer/);
      }),
      fcOptions(100),
    );
    await sluice.expectHealthy();
  });

  it("answers odd methods and paths under /api/v1 with a 4xx that says why, never a 5xx", async () => {
    const templates = [...new Set(operations.map((operation) => operation.path.replace(/\{\w+\}/g, "no-such-id")))];
    const cases = fc.record({ method: fc.constantFrom(...KNOWN_METHODS), path: fc.constantFrom(...templates).chain(oddPathFrom) });
    await fc.assert(
      fc.asyncProperty(cases, async ({ method, path }) => {
        const answer = await sluice.client.request({ method, path, headers: ADMIN_AUTH });
        const what = `${method} ${path.slice(0, 100)}`;
        expect(answer.status, `${what} → ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        if (method !== "HEAD" && answer.status >= 400) expectHandled(answer, what);
      }),
      fcOptions(120),
    );
    await sluice.expectHealthy();
  });
});
