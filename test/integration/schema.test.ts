import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { waitForArchived } from "../support/workerd/archive";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };

interface SchemaAnswer {
  events: { type: string; name: string; count24h: number; count30d: number; total: number; blocked: number; properties: { path: string; types: string[] }[] }[];
}

async function schemaOf(sourceId: string, query = ""): Promise<SchemaAnswer> {
  const response = await app.request(`/api/v1/sources/${sourceId}/schema${query}`, { headers: ADMIN }, env);
  expect(response.status).toBe(200);
  return await response.json<SchemaAnswer>();
}

describe("schema discovery through the pipeline", () => {
  it("shows what a source sent, with types and counts, through the admin API", async () => {
    const source = await createSource("Schema source");
    await sendBatch(source.writeKey, [
      { type: "track", event: "Order Completed", userId: "u1", properties: { total: 12.5, products: [{ sku: "A" }] } },
      { type: "track", event: "Order Completed", userId: "u2", properties: { total: 20, coupon: null } },
      { type: "page", name: "Home", anonymousId: "a1", properties: { path: "/" } },
      { type: "identify", userId: "u1", traits: { email: "u1@example.com", created: "2026-03-01T00:00:00Z" } },
    ]);
    const schema = await waitUntil(
      "3 events in the source's schema",
      () => schemaOf(source.id),
      (answer) => answer.events.length === 3,
    );
    const byName = Object.fromEntries(schema.events.map((event) => [`${event.type}/${event.name}`, event]));
    expect(byName["track/Order Completed"]).toMatchObject({ count24h: 2, count30d: 2, total: 2 });
    expect(Object.fromEntries(byName["track/Order Completed"]!.properties.map((p) => [p.path, p.types]))).toEqual({
      total: ["integer", "number"],
      products: ["array"],
      "products.$": ["object"],
      "products.$.sku": ["string"],
      coupon: ["null"],
    });
    expect(byName["track/Page Viewed"]!.properties.map((p) => p.path)).toEqual(["name", "path"]);
    expect(Object.fromEntries(byName["identify/"]!.properties.map((p) => [p.path, p.types]))).toEqual({ created: ["date-time"], email: ["string"] });

    // Archived: hidden until the event is sent again.
    const archive = await app.request(
      `/api/v1/sources/${source.id}/schema/events`,
      { method: "PATCH", headers: ADMIN, body: JSON.stringify({ type: "track", name: "Page Viewed", archived: true }) },
      env,
    );
    expect(archive.status).toBe(200);
    expect((await schemaOf(source.id)).events.map((event) => event.name)).not.toContain("Page Viewed");
    expect((await schemaOf(source.id, "?archived=true")).events.map((event) => event.name)).toContain("Page Viewed");

    const csv = await app.request(`/api/v1/sources/${source.id}/schema/export?type=track`, { headers: ADMIN }, env);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Event Name,Last Seen At (UTC),Property Name,Allowed,Blocked,Total");
    expect(lines.filter((line) => line.startsWith("Order Completed,"))).toHaveLength(5);
  });

  it("blocks events and traits from the schema, plan or no plan: not archived, counted", async () => {
    const source = await createSource("Schema blocks");
    const patch = (path: string, body: object) =>
      app.request(`/api/v1/sources/${source.id}/schema/${path}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify(body) }, env);
    expect((await patch("events", { type: "track", name: "Page Viewed", blocked: true })).status).toBe(200);
    expect((await patch("traits", { type: "identify", name: "ssn", blocked: true })).status).toBe(200);
    const [page, kept, identify] = [unique("m"), unique("m"), unique("m")];
    await sendBatch(source.writeKey, [
      { type: "page", name: "Home", anonymousId: "a1", messageId: page },
      { type: "track", event: "Kept", anonymousId: "a1", messageId: kept },
      { type: "identify", userId: "u1", traits: { ssn: "078-05-1120", plan: "pro" }, messageId: identify },
    ]);
    const archived = await waitForArchived(source.id, 2);
    const byId = new Map(
      archived.map(({ event }) => [event.messageId, event as unknown as Record<string, unknown> & { context: { protocols?: Record<string, unknown> } }]),
    );
    expect([...byId.keys()].sort()).toEqual([kept, identify].sort());
    expect(byId.get(identify)!.traits).toEqual({ plan: "pro" });
    expect(byId.get(identify)!.context.protocols).toEqual({ omitted: ["ssn"] });
    const schema = await waitUntil(
      "3 events in the source's schema",
      () => schemaOf(source.id),
      (answer) => answer.events.length === 3,
    );
    expect(schema.events.find((event) => event.name === "Page Viewed")).toMatchObject({ total: 1, blocked: 1 });
  });

  it("answers 404 for an unknown source and 400 naming the field for a bad archive request", async () => {
    expect((await app.request(`/api/v1/sources/${unique("nope")}/schema`, { headers: ADMIN }, env)).status).toBe(404);
    const source = await createSource("Schema errors");
    const bad = await app.request(
      `/api/v1/sources/${source.id}/schema/events`,
      { method: "PATCH", headers: ADMIN, body: JSON.stringify({ type: "page", name: "x", archived: true }) },
      env,
    );
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/^type: must be one of track, identify, group/);
  });
});
