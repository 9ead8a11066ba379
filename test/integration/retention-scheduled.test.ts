import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import worker from "../../workers/index";
import { waitUntil } from "../support/wait-until";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };

async function createSource(retentionDays?: number): Promise<string> {
  const response = await app.request("/api/v1/sources", { method: "POST", headers: ADMIN, body: JSON.stringify({ name: "Scheduled", retentionDays }) }, env);
  expect(response.status).toBe(201);
  return (await response.json<{ source: { id: string } }>()).source.id;
}

async function keysOf(sourceId: string): Promise<string[]> {
  return (await env.ARCHIVE.list({ prefix: `archive/${sourceId}/` })).objects.map((object) => object.key).sort();
}

describe("the Cron Trigger", () => {
  it("runs the retention sweep as of its scheduled time: a 7-day source loses the hours older than that, an unlimited one nothing", async () => {
    const scheduledTime = Date.parse("2026-05-20T10:17:00Z");
    const weekly = await createSource(7);
    const unlimited = await createSource();
    const old = (id: string) => `archive/${id}/2026-05-13/09/s00-000000000001.ndjson.gz`;
    const recent = (id: string) => `archive/${id}/2026-05-13/10/s00-000000000001.ndjson.gz`;
    for (const id of [weekly, unlimited]) for (const key of [old(id), recent(id)]) await env.ARCHIVE.put(key, "x");
    await env.DB.prepare("INSERT INTO archive_index (key_hash, object_key) VALUES ('h', ?), ('h', ?)").bind(old(weekly), recent(weekly)).run();

    await worker.scheduled(createScheduledController({ scheduledTime, cron: "17 * * * *" }), env);

    expect(await keysOf(weekly)).toEqual([recent(weekly)]);
    expect(await keysOf(unlimited)).toEqual([old(unlimited), recent(unlimited)].sort());
    const { results } = await env.DB.prepare("SELECT object_key FROM archive_index WHERE object_key LIKE ?").bind(`archive/${weekly}/%`).all();
    expect(results).toEqual([{ object_key: recent(weekly) }]);
  });
});

describe("the 5-minute Cron Trigger", () => {
  it("starts the scheduled warehouse sync of each enabled source that is due, and of no other", async () => {
    const due = await createSource();
    const recent = await createSource();
    const disabled = await createSource();
    const patched = await app.request(`/api/v1/sources/${disabled}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify({ enabled: false }) }, env);
    expect(patched.status).toBe(200);
    const scheduledTime = Date.now();
    // A sync ten minutes ago is not due hourly; one two hours ago is.
    const past = (minutes: number) => new Date(scheduledTime - minutes * 60_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO warehouse_syncs (id, source_id, trigger, status, created_at) VALUES (?, ?, 'schedule', 'succeeded', ?), (?, ?, 'schedule', 'succeeded', ?)`,
    )
      .bind(`old-${due}`, due, past(120), `new-${recent}`, recent, past(10))
      .run();

    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/5 * * * *" }), env);

    const latest = async (sourceId: string) =>
      env.DB.prepare("SELECT trigger, id FROM warehouse_syncs WHERE source_id = ? ORDER BY created_at DESC LIMIT 1")
        .bind(sourceId)
        .first<{ trigger: string; id: string }>();
    expect(await latest(due)).toMatchObject({ trigger: "schedule" });
    expect((await latest(due))!.id).not.toBe(`old-${due}`);
    expect((await latest(recent))!.id).toBe(`new-${recent}`);
    expect(await latest(disabled)).toBeNull();
    const started = (await latest(due))!.id;
    const finished = await waitUntil(
      "the scheduled sync to finish",
      () => env.DB.prepare("SELECT status FROM warehouse_syncs WHERE id = ?").bind(started).first<{ status: string }>(),
      (row) => row?.status !== "running",
      { timeoutMs: 30_000 },
    );
    expect(finished?.status).toBe("succeeded");
  });
});
