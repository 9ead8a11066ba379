import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Regulation } from "../../src/privacy/regulation";
import { exportPrefix } from "../../src/privacy/subject-export-download";
import { SubjectExportStore, type SubjectExport } from "../../src/privacy/subject-export-store";
import { app } from "../../workers/app";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { readArchivedEvents } from "../support/workerd/archive";
import { openConsoleSession } from "../support/workerd/console";
import { createSource, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";

/**
 * Subject access exports end to end in workerd: events through the Tracking API, the queues, the
 * dedupe flush (which writes the person index) and identity; the export job reads what the index
 * names and the profile, and the download holds exactly the person's events and traits.
 */

interface Record_ {
  record: "subject" | "event" | "profile";
  event?: { messageId: string };
  subjectIds?: string[];
  traits?: Record<string, { value: unknown }>;
  identifiers?: { type: string; value: string }[];
  consent?: { categoryPreferences: Record<string, boolean> } | null;
}

const exportOf = async (id: string) => (await admin<{ export: SubjectExport }>("GET", `/subject-exports/${id}`)).body.export;

async function download(id: string): Promise<{ status: number; records: Record_[]; type: string | null }> {
  const response = await app.request(`/api/v1/subject-exports/${id}/download`, { headers: { Authorization: "Bearer test_admin_token" } }, env);
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get("Content-Type"),
    records:
      response.status === 200
        ? text
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Record_)
        : [],
  };
}

describe("subject access exports", () => {
  it("exports exactly a person's archived events (before and after sign-in, in two sources) and their profile", async () => {
    const [web, app_] = [await createSource("Export web"), await createSource("Export app")];
    const [userId, anonymousId, other] = [unique("user"), unique("anon"), unique("other")];
    const mine = [unique("m"), unique("m"), unique("m"), unique("m")];
    const theirs = [unique("t"), unique("t")];
    await sendBatch(web.writeKey, [
      { type: "page", name: "Pricing", anonymousId, messageId: mine[0] },
      { type: "track", event: "Viewed", userId: other, messageId: theirs[0] },
      {
        type: "identify",
        userId,
        anonymousId,
        traits: { plan: "pro", email: `${userId}@example.com` },
        context: { consent: { categoryPreferences: { Advertising: false, Analytics: true } } },
        messageId: mine[1],
      },
    ]);
    await sendBatch(app_.writeKey, [
      { type: "track", event: "Opened", userId, messageId: mine[2] },
      { type: "track", event: "Opened", anonymousId, messageId: mine[3] },
      { type: "track", event: "Opened", userId: other, messageId: theirs[1] },
    ]);
    for (const [source, count] of [
      [web, 3],
      [app_, 3],
    ] as const) {
      await waitUntil(
        `${count} events archived in ${source.id}`,
        () => readArchivedEvents(source.id),
        (events) => events.length >= count,
        { timeoutMs: 20_000 },
      );
    }
    await waitForEvent(`user_id:${userId}`, mine[3]!);

    const created = await admin<{ export: SubjectExport }>("POST", "/subject-exports", { subjectType: "USER_ID", subjectIds: [userId] });
    expect(created.status).toBe(201);
    const id = created.body.export.id;
    expect(created.body.export.covered).toEqual(expect.arrayContaining([`user_id:${userId}`, `anonymous_id:${anonymousId}`, `email:${userId}@example.com`]));
    expect((await download(id)).status).toBe(409);

    const finished = await waitUntil(
      "the export to finish",
      () => exportOf(id),
      (found) => found.status === "FINISHED",
      { timeoutMs: 20_000 },
    );
    expect(finished.progress).toMatchObject({ events: 4, profiles: 1 });

    const { status, type, records } = await download(id);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/x-ndjson/);
    expect(records[0]).toMatchObject({ record: "subject", subjectIds: [userId] });
    const events = records.filter((record) => record.record === "event").map((record) => record.event!.messageId);
    expect(events.sort()).toEqual([...mine].sort());
    const profiles = records.filter((record) => record.record === "profile");
    expect(profiles).toHaveLength(1);
    expect(profiles[0]!.traits).toMatchObject({ plan: { value: "pro" } });
    expect(profiles[0]!.identifiers!.map((identifier) => `${identifier.type}:${identifier.value}`)).toEqual(
      expect.arrayContaining([`user_id:${userId}`, `anonymous_id:${anonymousId}`]),
    );
    expect(profiles[0]!.consent).toMatchObject({ categoryPreferences: { Advertising: false, Analytics: true } });
  });

  it("starts from the console's Privacy page and downloads there with the session", async () => {
    const source = await createSource("Export console");
    const userId = unique("user");
    const messageId = unique("m");
    await sendBatch(source.writeKey, [{ type: "track", event: "Viewed", userId, messageId }]);
    await waitUntil(
      "the event archived",
      () => readArchivedEvents(source.id),
      (events) => events.length >= 1,
      { timeoutMs: 20_000 },
    );

    const session = await openConsoleSession();
    expect((await session.post("/console/privacy/exports", { subjectIds: "  " })).status).toBe(400);
    const started = await session.post("/console/privacy/exports", { subjectIds: `${userId}\n` });
    expect(started.status).toBe(303);
    const ours = (await new SubjectExportStore(env.DB).list(20)).find((item) => item.subjectIds.includes(userId));
    expect(ours).toBeDefined();
    await waitUntil(
      "the export to finish",
      () => exportOf(ours!.id),
      (found) => found.status === "FINISHED",
      { timeoutMs: 20_000 },
    );
    const link = `/console/privacy/exports/${ours!.id}/download`;
    expect(await (await session.get("/console/privacy")).text()).toContain(`href="${link}"`);
    const downloaded = await session.get(link);
    expect(downloaded.status).toBe(200);
    const lines = (await downloaded.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record_);
    expect(lines.filter((record) => record.record === "event").map((record) => record.event!.messageId)).toContain(messageId);
  });

  it("goes with the person when they are deleted: the export's row and its parts in R2", async () => {
    const source = await createSource("Export then delete");
    const userId = unique("user");
    await sendBatch(source.writeKey, [{ type: "track", event: "Viewed", userId, messageId: unique("m") }]);
    await waitUntil(
      "the event archived",
      () => readArchivedEvents(source.id),
      (events) => events.length >= 1,
      { timeoutMs: 20_000 },
    );
    const created = await admin<{ export: SubjectExport }>("POST", "/subject-exports", { subjectType: "USER_ID", subjectIds: [userId] });
    const id = created.body.export.id;
    await waitUntil(
      "the export to finish",
      () => exportOf(id),
      (found) => found.status === "FINISHED",
      { timeoutMs: 20_000 },
    );
    expect((await env.ARCHIVE.list({ prefix: exportPrefix(id) })).objects.length).toBeGreaterThan(0);

    const deletion = await admin<{ regulation: Regulation }>("POST", "/regulations", {
      regulationType: "DELETE_INTERNAL",
      subjectType: "USER_ID",
      subjectIds: [userId],
    });
    expect(deletion.status).toBe(201);
    const ended = await waitUntil(
      "the deletion to end",
      async () => (await admin<{ regulation: Regulation }>("GET", `/regulations/${deletion.body.regulation.id}`)).body.regulation,
      (regulation) => !["INITIALIZED", "RUNNING"].includes(regulation.status),
      { timeoutMs: 30_000 },
    );
    expect(ended.status).toBe("FINISHED");
    expect(ended.progress.stores.d1?.removed.subjectExports).toBe(1);
    expect((await admin("GET", `/subject-exports/${id}`)).status).toBe(404);
    expect((await env.ARCHIVE.list({ prefix: exportPrefix(id) })).objects).toEqual([]);
  });

  it("answers 400 for a bad request and 404 for an unknown export", async () => {
    const bad = await admin<{ field?: string }>("POST", "/subject-exports", { subjectType: "EMAIL", subjectIds: ["x"] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("subjectType");
    expect((await admin("GET", "/subject-exports/exp_missing")).status).toBe(404);
    expect((await download("exp_missing")).status).toBe(404);
  });
});
