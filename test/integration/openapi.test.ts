import { Validator, type Schema } from "@cfworker/json-schema";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { debuggerFor } from "../../src/debugger/debugger-stub";
import { app } from "../../workers/app";
import { waitUntil } from "../support/wait-until";
import { createSource, PROFILE_AUTH, profilePath, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

/**
 * The OpenAPI document is the contract of the admin and Profile APIs: it names every route the
 * app serves, and the app's live answers match the schemas it documents.
 */

type Json = Record<string, unknown>;
type Document = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }>; security?: object[] }>>;
  components: Json;
};

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };
/**
 * Routes that describe the API rather than belong to it, the Profile API's 404 for any other path,
 * and the wildcard twin of the documented `GET /api/v1/warehouse/files/{key}` (keys hold slashes).
 */
const UNDOCUMENTED = new Set([
  "GET /api/v1/openapi.json",
  "GET /api/v1/docs",
  "GET /api/v1/docs/reference.css",
  "GET /v1/spaces/*",
  "GET /api/v1/warehouse/files/*",
]);

let document: Document;

beforeAll(async () => {
  const response = await app.request("/api/v1/openapi.json", {}, env);
  expect(response.status, "the document needs no admin token").toBe(200);
  document = await response.json<Document>();
});

/** `/sources/:id` → `/sources/{id}`, as OpenAPI writes path parameters. */
const templateOf = (path: string) => path.replace(/:([A-Za-z_]+)/g, "{$1}");

function servedRoutes(): string[] {
  const served = app.routes
    .filter((route) => route.method !== "ALL" && (route.path.startsWith("/api/v1/") || route.path.startsWith("/v1/spaces/")))
    .map((route) => `${route.method} ${templateOf(route.path)}`)
    .filter((route) => !UNDOCUMENTED.has(route));
  return [...new Set(served)].sort();
}

function documentedRoutes(): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** Checks `body` against the schema the document gives for this route's answer `status`. */
function expectDocumented(method: string, template: string, status: number, body: unknown): void {
  const operation = document.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is documented`).toBeDefined();
  const schema = operation!.responses[String(status)]?.content?.["application/json"]?.schema;
  expect(schema, `${method} ${template} documents a JSON answer ${status}`).toBeDefined();
  // The component schemas travel with the answer's schema, so `#/components/…` references resolve.
  const result = new Validator({ ...schema, components: document.components }, "2020-12", false).validate(body);
  expect(result.errors, `${method} ${template} ${status}: ${JSON.stringify(body).slice(0, 500)}`).toEqual([]);
}

async function call(
  method: string,
  path: string,
  template: string,
  body?: object,
  headers: Record<string, string> = ADMIN,
): Promise<{ status: number; body: Json }> {
  const response = await app.request(path, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) }, env);
  const answer = await response.json<Json>();
  expectDocumented(method, template, response.status, answer);
  return { status: response.status, body: answer };
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with the admin and Profile API security schemes", () => {
    expect(document.openapi).toBe("3.1.0");
    const schemes = (document.components.securitySchemes ?? {}) as Json;
    expect(schemes.adminToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemes.profileToken).toMatchObject({ type: "http", scheme: "basic" });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const scheme = path.startsWith("/v1/spaces/") ? "profileToken" : "adminToken";
        expect(operation.security, `${method} ${path}`).toEqual([{ [scheme]: [] }]);
      }
    }
  });

  it("names every admin and Profile API route the app serves, and no other", () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(40);
    expect(documentedRoutes()).toEqual(served);
  });

  it("is rendered as a reference page with no script and nothing from another origin", async () => {
    const response = await app.request("https://data.example.com/api/v1/docs", {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    const external = [...html.matchAll(/(?:src|href)="(https?:[^"]*)"/g)].map((match) => match[1]);
    expect(external).toEqual([]);
    for (const route of documentedRoutes()) expect(html, route).toContain(route.split(" ")[1]);
    const stylesheet = await app.request("/api/v1/docs/reference.css", {}, env);
    expect(stylesheet.headers.get("content-type")).toContain("text/css");
  });
});

describe("live answers match their documented schemas", () => {
  it("sources, schema, Protocols and transformations", async () => {
    const created = await call("POST", "/api/v1/sources", "/api/v1/sources", { name: "OpenAPI source" });
    expect(created.status).toBe(201);
    const id = (created.body.source as { id: string }).id;
    await call("GET", "/api/v1/sources", "/api/v1/sources");
    await call("GET", `/api/v1/sources/${id}`, "/api/v1/sources/{id}");
    await call("PATCH", `/api/v1/sources/${id}`, "/api/v1/sources/{id}", { scriptAlias: unique("alias").replace("_", "-").toLowerCase() });
    await call("PATCH", `/api/v1/sources/${id}`, "/api/v1/sources/{id}", { retentionDays: 30 });
    await call("POST", "/api/v1/sources", "/api/v1/sources", { name: "OpenAPI retained source", retentionDays: 7 });
    expect((await call("GET", "/api/v1/sources/nope", "/api/v1/sources/{id}")).status).toBe(404);
    expect((await call("POST", "/api/v1/sources", "/api/v1/sources", {})).body).toMatchObject({ field: "name" });

    await call("GET", `/api/v1/sources/${id}/schema`, "/api/v1/sources/{id}/schema");
    await call("PATCH", `/api/v1/sources/${id}/schema/events`, "/api/v1/sources/{id}/schema/events", { type: "track", name: "Spam", blocked: true });
    await call("PATCH", `/api/v1/sources/${id}/schema/traits`, "/api/v1/sources/{id}/schema/traits", { type: "identify", name: "ssn", blocked: true });
    await call("GET", `/api/v1/sources/${id}/schema/blocks`, "/api/v1/sources/{id}/schema/blocks");
    await call("GET", `/api/v1/sources/${id}/settings`, "/api/v1/sources/{id}/settings");
    await call("PATCH", `/api/v1/sources/${id}/settings`, "/api/v1/sources/{id}/settings", { track: { allowUnplannedEvents: false } });
    await call("GET", `/api/v1/sources/${id}/violations`, "/api/v1/sources/{id}/violations");
    // Entries of every kind, so the answer's schema is checked against real content.
    await debuggerFor(env, id).record([
      {
        id: "m1",
        messageId: "m1",
        sourceId: id,
        receivedAt: new Date().toISOString(),
        kind: "accepted",
        event: { type: "track", event: "A" },
        journey: {
          plan: { verdict: "violated", violations: [{ type: "Required", field: "properties.id", description: "properties.id is required" }] },
          blocked: null,
          archived: true,
          deliveries: { dst_1: { status: "retrying", attempts: 1, outcome: "retried in 10 s" } },
        },
      },
      {
        id: "i1",
        messageId: null,
        sourceId: id,
        receivedAt: new Date().toISOString(),
        kind: "invalid",
        event: { blob: "x".repeat(50_000) },
        error: { message: "The event is 49 KB, over the 32 KB limit per event: trim its properties or traits.", field: "" },
        journey: {},
      },
    ]);
    const debugged = await call("GET", `/api/v1/sources/${id}/debugger`, "/api/v1/sources/{id}/debugger");
    expect((debugged.body.events as unknown[]).length).toBe(2);
    expect((await call("GET", "/api/v1/sources/nope/debugger", "/api/v1/sources/{id}/debugger")).status).toBe(404);

    const plan = await call("POST", "/api/v1/tracking-plans", "/api/v1/tracking-plans", {
      name: "OpenAPI plan",
      rules: [{ type: "TRACK", key: "Signed Up", version: 1, jsonSchema: { properties: { properties: { type: "object" } } } }],
    });
    const planId = (plan.body.trackingPlan as { id: string }).id;
    await call("GET", "/api/v1/tracking-plans", "/api/v1/tracking-plans");
    await call("GET", `/api/v1/tracking-plans/${planId}`, "/api/v1/tracking-plans/{id}");
    await call("PUT", `/api/v1/sources/${id}/tracking-plan`, "/api/v1/sources/{id}/tracking-plan", { trackingPlanId: planId });
    await call("GET", `/api/v1/tracking-plans/${planId}/changes`, "/api/v1/tracking-plans/{id}/changes");

    const transformation = await call("POST", `/api/v1/sources/${id}/transformations`, "/api/v1/sources/{id}/transformations", {
      eventType: "track",
      eventName: "Signed Up",
      newEventName: "Account Created",
    });
    expect(transformation.status).toBe(201);
    await call("GET", `/api/v1/sources/${id}/transformations`, "/api/v1/sources/{id}/transformations");
  });

  it("destinations, filters, the filter preview, dead letters, replays and the pipeline", async () => {
    const source = await createSource("OpenAPI destinations");
    const created = await call("POST", "/api/v1/destinations", "/api/v1/destinations", {
      name: "OpenAPI hook",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}/hooks/${unique("openapi")}`, sharedSecret: "s3cret" },
    });
    expect(created.status).toBe(201);
    const id = (created.body.destination as { id: string }).id;
    await call("GET", "/api/v1/destinations", "/api/v1/destinations");
    await call("GET", `/api/v1/destinations/${id}`, "/api/v1/destinations/{id}");
    await call("PATCH", `/api/v1/destinations/${id}`, "/api/v1/destinations/{id}", { consentCategories: ["Analytics"] });
    await call("POST", `/api/v1/destinations/${id}/filters`, "/api/v1/destinations/{id}/filters", {
      title: "No tests",
      if: "event = 'Test'",
      actions: [{ type: "DROP" }],
    });
    await call("GET", `/api/v1/destinations/${id}/filters`, "/api/v1/destinations/{id}/filters");
    await call("GET", `/api/v1/destinations/${id}/delivery`, "/api/v1/destinations/{id}/delivery");
    await call("GET", `/api/v1/destinations/${id}/dead-letters`, "/api/v1/destinations/{id}/dead-letters");
    const tested = await call("POST", `/api/v1/destinations/${id}/test`, "/api/v1/destinations/{id}/test", {});
    expect(tested.body.outcome).toMatchObject({ kind: "delivered" });

    await call("POST", "/api/v1/filters/preview", "/api/v1/filters/preview", {
      if: "event = 'A'",
      actions: [{ type: "DROP" }],
      event: { type: "track", event: "A" },
    });
    await call("GET", "/api/v1/replays", "/api/v1/replays");
    const replay = await call("POST", "/api/v1/replays", "/api/v1/replays", {
      sourceId: source.id,
      destinationIds: [id],
      from: "2026-01-01T00:00:00Z",
      to: "2026-01-01T01:00:00Z",
    });
    expect(replay.status).toBe(201);
    await call("GET", `/api/v1/replays/${(replay.body.replay as { id: string }).id}`, "/api/v1/replays/{id}");
    await call("GET", "/api/v1/pipeline/stats", "/api/v1/pipeline/stats");
    await call("GET", "/api/v1/identity/config", "/api/v1/identity/config");
    await call("GET", "/api/v1/identity/violations", "/api/v1/identity/violations");
    await call("DELETE", `/api/v1/destinations/${id}`, "/api/v1/destinations/{id}");
  });

  it("regulations", async () => {
    const created = await call("POST", "/api/v1/regulations", "/api/v1/regulations", {
      regulationType: "SUPPRESS_WITH_DELETE",
      subjectType: "USER_ID",
      subjectIds: [unique("user")],
    });
    expect(created.status).toBe(201);
    const id = (created.body.regulation as { id: string }).id;
    await call("POST", "/api/v1/regulations", "/api/v1/regulations", { regulationType: "UNSUPPRESS", subjectType: "USER_ID", subjectIds: [unique("user")] });
    const listed = await call("GET", "/api/v1/regulations?limit=1", "/api/v1/regulations");
    expect(listed.body.next).toEqual(expect.any(String));
    await call("GET", `/api/v1/regulations/${id}`, "/api/v1/regulations/{id}");
    expect((await call("GET", "/api/v1/regulations/reg_nope", "/api/v1/regulations/{id}")).status).toBe(404);
    expect(
      (await call("POST", "/api/v1/regulations", "/api/v1/regulations", { regulationType: "NOPE", subjectType: "USER_ID", subjectIds: ["u1"] })).body,
    ).toMatchObject({ field: "regulationType" });
  });

  it("the warehouse", async () => {
    const created = await call("POST", "/api/v1/sources", "/api/v1/sources", { name: "OpenAPI warehouse" });
    const sourceId = (created.body.source as { id: string }).id;
    const started = await call("POST", "/api/v1/warehouse/syncs", "/api/v1/warehouse/syncs", { sourceId });
    expect(started.status).toBe(201);
    const syncId = (started.body.sync as { id: string }).id;
    // Answers match the schema while the sync runs and once it is done.
    await waitUntil(
      "the sync to finish",
      () => call("GET", `/api/v1/warehouse/syncs/${syncId}`, "/api/v1/warehouse/syncs/{id}"),
      (answer) => (answer.body.sync as { status: string }).status !== "running",
      { timeoutMs: 30_000 },
    );
    await call("GET", `/api/v1/warehouse/syncs?sourceId=${sourceId}`, "/api/v1/warehouse/syncs");
    expect((await call("GET", "/api/v1/warehouse/syncs/nope", "/api/v1/warehouse/syncs/{id}")).status).toBe(404);
    await call("GET", `/api/v1/warehouse/files?sourceId=${sourceId}`, "/api/v1/warehouse/files");
    expect((await call("GET", "/api/v1/warehouse/files/archive%2Fx", "/api/v1/warehouse/files/{key}")).status).toBe(404);
    await call("GET", "/api/v1/warehouse/sources", "/api/v1/warehouse/sources");
    await call("GET", `/api/v1/warehouse/sources/${sourceId}`, "/api/v1/warehouse/sources/{sourceId}");
    const changed = await call("PUT", `/api/v1/warehouse/sources/${sourceId}`, "/api/v1/warehouse/sources/{sourceId}", { excludedEvents: ["pages"] });
    expect(changed.body.source).toMatchObject({ excludedEvents: ["pages"] });
    expect((await call("POST", "/api/v1/warehouse/syncs", "/api/v1/warehouse/syncs", { sourceId: 7 })).body).toMatchObject({ field: "sourceId" });
  });

  it("the Profile API", async () => {
    const source = await createSource("OpenAPI profiles");
    const userId = unique("user");
    const messageId = unique("msg");
    const context = { consent: { categoryPreferences: { Analytics: true } } };
    await sendBatch(source.writeKey, [{ type: "identify", userId, traits: { plan: "pro" }, context, messageId }]);
    await waitForEvent(`user_id:${userId}`, messageId);
    const template = (resource: string) => `/v1/spaces/{spaceId}/collections/{collection}/profiles/{identifier}/${resource}`;
    for (const resource of ["traits", "external_ids", "events", "metadata", "links", "consent"]) {
      const answer = await call("GET", profilePath(`user_id:${userId}`, resource), template(resource), undefined, PROFILE_AUTH);
      expect(answer.status, resource).toBe(200);
    }
    expect((await call("GET", profilePath(`user_id:${unique("nobody")}`, "traits"), template("traits"), undefined, PROFILE_AUTH)).status).toBe(404);
    expect((await call("GET", profilePath(`user_id:${userId}`, "traits", "?limit=0"), template("traits"), undefined, PROFILE_AUTH)).status).toBe(400);
    expect((await call("GET", profilePath(`user_id:${userId}`, "traits"), template("traits"), undefined, {})).status).toBe(401);
  });
});
