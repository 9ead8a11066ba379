import { describe, expect, it } from "vitest";
import type { SchemaPage } from "../../schema/read-page";
import type { Source } from "../../sources/source";
import { SchemaSourcesPage, SourceSchemaPage } from "./schema-page";
import { pageCount, parsePage } from "../ui";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const source: Source = { id: "src_1", name: hostile, writeKey: "wk_1", enabled: true };
const chrome = { subject: "admin", csrfToken: "tok" };

function schemaOf(total: number, offset: number, names: string[]): SchemaPage {
  return {
    total,
    offset,
    limit: 50,
    properties: null,
    events: names.map((name) => ({ type: "track", name, count24h: 1, count30d: 1234, count60d: 5678, blocked: 0, lastSeen: "2026-11-30T12:00:00.000Z" })),
  };
}

describe("schema pages", () => {
  it("lists sources with links, names escaped; no sources: says how to create one", async () => {
    const html = await render(SchemaSourcesPage({ ...chrome, sources: [source] }));
    expect(html).toContain('<a href="/console/schema/src_1">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;</a>');
    expect(html).not.toContain("<script");
    const empty = await render(SchemaSourcesPage({ ...chrome, sources: [] }));
    expect(empty).toContain("No sources yet");
    expect(empty).toContain("POST /api/v1/sources");
  });

  it("a source without events: an empty state naming its write key", async () => {
    const html = await render(SourceSchemaPage({ ...chrome, source, schema: schemaOf(0, 0, []), blocks: { events: [], traits: [] } }));
    expect(html).toContain("No events seen yet");
    expect(html).toContain("<code>wk_1</code>");
    expect(html).not.toContain("<table");
  });

  it("a page of a busy source: counts, the range shown, links to the neighbouring pages", async () => {
    const html = await render(
      SourceSchemaPage({ ...chrome, source, schema: schemaOf(4000, 50, ["Order Completed", hostile]), blocks: { events: [], traits: [] } }),
    );
    expect(html).toContain("51–100 of 4,000 events");
    expect(html).toContain('href="/console/schema/src_1?page=1" rel="prev"');
    expect(html).toContain('href="/console/schema/src_1?page=3" rel="next"');
    expect(html).toContain(">1,234<");
    expect(html).toContain(">5,678<");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script");
    const last = await render(SourceSchemaPage({ ...chrome, source, schema: schemaOf(4000, 3950, ["Last"]), blocks: { events: [], traits: [] } }));
    expect(last).toContain("3,951–4,000 of 4,000 events");
    expect(last).not.toContain('rel="next"');
  });

  it("each event has a block form with the CSRF token; a blocked one offers unblock", async () => {
    const html = await render(
      SourceSchemaPage({
        ...chrome,
        source,
        schema: schemaOf(2, 0, ["Allowed", "Dropped"]),
        blocks: { events: [{ type: "track", name: "Dropped" }], traits: [] },
      }),
    );
    expect(html.match(/<form method="post" action="\/console\/schema\/src_1\/blocks"/g)).toHaveLength(2);
    expect(html.match(/name="csrf" value="tok"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('aria-label="Block Allowed"');
    expect(html).toContain('aria-label="Unblock Dropped"');
  });

  it("an expanded event shows its properties with their types", async () => {
    const schema = {
      ...schemaOf(1, 0, ["Order Completed"]),
      properties: [{ path: "total", types: ["integer" as const, "number" as const], firstSeen: "x", lastSeen: "2026-11-30T12:00:00Z" }],
    };
    const html = await render(
      SourceSchemaPage({ ...chrome, source, schema, blocks: { events: [], traits: [] }, expanded: { type: "track", name: "Order Completed" } }),
    );
    expect(html).toContain("<code>total</code>");
    expect(html).toContain("integer, number");
    expect(html).toContain('aria-expanded="true"');
  });

  it("an expanded identify call offers to block its top-level traits", async () => {
    const property = (path: string) => ({ path, types: ["string" as const], firstSeen: "x", lastSeen: "2026-11-30T12:00:00Z" });
    const schema: SchemaPage = {
      ...schemaOf(1, 0, []),
      events: [{ type: "identify", name: "", count24h: 1, count30d: 1, count60d: 1, blocked: 0, lastSeen: "2026-11-30T12:00:00Z" }],
      properties: [property("address"), property("address.city"), property("ssn")],
    };
    const html = await render(
      SourceSchemaPage({
        ...chrome,
        source,
        schema,
        blocks: { events: [], traits: [{ type: "identify", name: "ssn" }] },
        expanded: { type: "identify", name: "" },
      }),
    );
    expect(html).toContain("(identify)");
    expect(html).toContain('aria-label="Block trait address"');
    expect(html).toContain('aria-label="Unblock trait ssn"');
    expect(html).not.toContain("trait address.city");
  });

  it("reads ?page= safely", () => {
    expect(parsePage(undefined)).toBe(1);
    expect(parsePage("0")).toBe(1);
    expect(parsePage("-2")).toBe(1);
    expect(parsePage("2.5")).toBe(1);
    expect(parsePage("abc")).toBe(1);
    expect(parsePage("7")).toBe(7);
    expect(pageCount(4000, 50)).toBe(80);
    expect(pageCount(0, 50)).toBe(1);
  });
});
