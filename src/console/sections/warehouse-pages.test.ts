import { describe, expect, it } from "vitest";
import type { WarehouseSync } from "../../warehouse/store/warehouse-syncs";
import type { WarehouseSourceDetail } from "./warehouse-data";
import { WarehousePage, WarehouseSourcePage } from "./warehouse-pages";
import { formatBytes } from "./warehouse-parts";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const context = {
  subject: "admin",
  csrfToken: "tok",
  origin: "https://data.example.com",
  schedule: { kind: "every", minutes: 60 } as const,
  now: new Date("2026-05-01T12:30:00.000Z"),
};
const source = { id: "src_1", name: hostile, writeKey: "w", enabled: true };
const sync = (over: Partial<WarehouseSync> = {}): WarehouseSync => ({
  id: "whs_1",
  sourceId: "src_1",
  status: "succeeded",
  trigger: "manual",
  full: false,
  createdAt: "2026-05-01T12:00:00.000Z",
  finishedAt: "2026-05-01T12:00:05.000Z",
  hoursTotal: 3,
  hoursSynced: 3,
  rowsWritten: 1234,
  filesWritten: 9,
  ...over,
});
const detail = (over: Partial<WarehouseSourceDetail> = {}): WarehouseSourceDetail => ({
  source,
  warehouse: { sourceId: "src_1", slug: "web_shop", excludedEvents: [], excludedProperties: {} },
  syncs: [],
  tables: [],
  identityTables: [],
  ...over,
});

describe("warehouse pages", () => {
  it("the list: each source's schema, last sync with its counts, the next one, Sync now with the CSRF token; names as text", async () => {
    const html = await render(WarehousePage({ ...context, sources: [{ source, slug: "web_shop", last: sync() }] }));
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<a href="/console/warehouse/src_1">');
    expect(html).toContain("<code>web_shop</code>");
    expect(html).toContain('<span class="pill pill-ok">succeeded</span>');
    expect(html).toContain("3 of 3 hours · 1,234 rows · 9 files");
    expect(html).toContain("Around 2026-05-01 13:00 UTC.");
    expect(html).toContain('<form method="post" action="/console/warehouse/src_1/sync" class="sync-now">');
    expect(html).toContain('<input type="hidden" name="csrf" value="tok"/>');
    expect(html).toContain('<input type="hidden" name="back" value="list"/>');
    expect(html).toContain("every 60 minutes");
    expect(html).toContain("r2://sluice-archive/warehouse/web_shop/tracks/*/*.parquet");
    expect(html).toContain("https://data.example.com/api/v1/warehouse/files?sourceId=src_1");
  });

  it("a failed sync's error in full, escaped; a source never synced says what to do", async () => {
    const failed = sync({ status: "failed", error: `R2 put failed: ${hostile}` });
    const other = { ...source, id: "src_2", name: "Other" };
    const html = await render(
      WarehousePage({
        ...context,
        sources: [
          { source, slug: "web_shop", last: failed },
          { source: other, slug: "other" },
        ],
      }),
    );
    expect(html).toContain('<span class="pill pill-bad">failed</span>');
    expect(html).toContain("Failed: R2 put failed: &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<span class="pill pill-off">never synced</span>');
    expect(html).toContain("No sync yet: Sync now, or wait for the schedule.");
    expect(html).not.toContain("<script");
  });

  it("Query it reads the first source with a successful sync, else the first source", async () => {
    const other = { ...source, id: "src_2", name: "Other" };
    const rows = [
      { source, slug: "web_shop" },
      { source: other, slug: "other", last: sync({ sourceId: "src_2" }) },
    ];
    expect(await render(WarehousePage({ ...context, sources: rows }))).toContain("r2://sluice-archive/warehouse/other/tracks/");
    expect(await render(WarehousePage({ ...context, sources: rows.slice(0, 1) }))).toContain("r2://sluice-archive/warehouse/web_shop/tracks/");
  });

  it("no sources: says to create one; the notice and an invalid schedule are shown as text", async () => {
    const html = await render(
      WarehousePage({ ...context, schedule: { kind: "invalid", message: hostile }, notice: `Sync of ${hostile} started`, sources: [] }),
    );
    expect(html).toContain("No sources yet");
    expect(html).toContain('<a href="/console/sources">create a source</a>');
    expect(html).toContain('<p class="notice" role="status">Sync of &lt;script&gt;');
    expect(html).toContain('<p class="error" role="alert">Scheduled syncs are not running: &lt;script&gt;');
    expect(html).not.toContain("<script");
  });

  it("a source's page: tables with rows, files, bytes and typed columns; identity tables; recent syncs with their errors", async () => {
    const html = await render(
      WarehouseSourcePage({
        ...context,
        detail: detail({
          syncs: [sync({ status: "failed", error: hostile, full: true, trigger: "schedule" }), sync({ id: "whs_0" })],
          tables: [{ name: hostile, rows: 1, files: 1, bytes: 2_500, columns: [{ name: hostile, type: "timestamp" }] }],
          identityTables: [{ name: "identity_graph", rows: 4, files: 1, bytes: 900, columns: [{ name: "canonical_segment_id", type: "string" }] }],
        }),
      }),
    );
    expect(html).not.toContain("<script");
    expect(html).toContain("<title>Warehouse: &lt;script&gt;");
    expect(html).toContain("1 row · 1 file · 2.5 KB · 1 column");
    expect(html).toContain('<details class="warehouse-table"><summary><code>&lt;script&gt;');
    expect(html).toContain("<td>timestamp</td>");
    expect(html).toContain("<code>identity_graph</code>");
    expect(html).toContain("4 rows · 1 file · 900 B · 1 column");
    expect(html).toContain('<td class="wide">schedule, full</td>');
    expect(html).toContain("Error: &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<input type="hidden" name="back" value="source"/>');
    expect(html).toContain("warehouse/web_shop/");
  });

  it("a source never synced: empty states that say what to do", async () => {
    const html = await render(WarehouseSourcePage({ ...context, detail: detail() }));
    expect(html).toContain("No sync yet");
    expect(html).toContain("Sync now, or wait for the schedule");
    expect(html).toContain("No identity tables yet");
    expect(html).not.toContain("<table");
  });

  it("a running sync says to reload to follow it", async () => {
    const html = await render(WarehouseSourcePage({ ...context, detail: detail({ syncs: [sync({ status: "running", finishedAt: undefined })] }) }));
    expect(html).toContain('<span class="pill pill-warn">running</span>');
    expect(html).toContain("After this sync ends.");
    expect(html).toContain('Running: <a href="/console/warehouse/src_1">reload</a> to follow it.');
  });

  it("sizes in decimal units", () => {
    expect([0, 999, 1_000, 12_345, 4_500_000, 2e12].map(formatBytes)).toEqual(["0 B", "999 B", "1.0 KB", "12 KB", "4.5 MB", "2.0 TB"]);
  });
});
