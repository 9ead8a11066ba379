import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { openConsoleSession, unescapeHtml } from "../support/workerd/console";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };

type SourceJson = { id: string; name: string; writeKey: string; enabled: boolean; retentionDays?: number };

const api = (method: string, path: string, body?: unknown) =>
  app.request(`/api/v1/sources${path}`, { method, headers: ADMIN, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, env);

async function sourceOf(response: Response): Promise<SourceJson> {
  return (await response.json<{ source: SourceJson }>()).source;
}

describe("archive retention per source: admin API", () => {
  it("is set at creation or by PATCH, shown by GET and the list, and null keeps everything again", async () => {
    const created = await api("POST", "", { name: "Retained", retentionDays: 30 });
    expect(created.status).toBe(201);
    const source = await sourceOf(created);
    expect(source.retentionDays).toBe(30);
    expect(await sourceOf(await api("GET", `/${source.id}`))).toMatchObject({ retentionDays: 30 });

    const patched = await api("PATCH", `/${source.id}`, { retentionDays: 90 });
    expect(patched.status).toBe(200);
    expect(await sourceOf(patched)).toEqual({ ...source, retentionDays: 90 });
    const listed = (await (await api("GET", "")).json<{ sources: SourceJson[] }>()).sources;
    expect(listed.find((candidate) => candidate.id === source.id)).toMatchObject({ retentionDays: 90 });

    const cleared = await sourceOf(await api("PATCH", `/${source.id}`, { retentionDays: null }));
    expect(cleared).not.toHaveProperty("retentionDays");
    expect(await sourceOf(await api("GET", `/${source.id}`))).toEqual(cleared);

    // A source created without it keeps everything, in the shape DESIGN.md gives sources.
    const plain = await sourceOf(await api("POST", "", { name: "Unlimited" }));
    expect(Object.keys(plain).sort()).toEqual(["enabled", "id", "name", "writeKey"]);
  });

  it("refuses what is not a whole number of days from 1 to 3650, naming the field and changing nothing", async () => {
    const source = await sourceOf(await api("POST", "", { name: "Strict", retentionDays: 14 }));
    for (const retentionDays of [0, 3651, 1.5, "30", true, -7]) {
      for (const [method, path, body] of [
        ["PATCH", `/${source.id}`, { retentionDays }],
        ["POST", "", { name: "Refused", retentionDays }],
      ] as const) {
        const response = await api(method, path, body);
        expect(response.status, `${method} ${JSON.stringify(retentionDays)}`).toBe(400);
        const answer = await response.json<{ error: string; field: string }>();
        expect(answer.field).toBe("retentionDays");
        expect(answer.error).toBe("retentionDays: must be a whole number of days from 1 to 3650, or null to keep everything");
      }
    }
    expect(await sourceOf(await api("GET", `/${source.id}`))).toMatchObject({ retentionDays: 14 });
    expect((await api("PATCH", "/no-such-source", { retentionDays: 3 })).status).toBe(404);
  });
});

describe("archive retention per source: console", () => {
  it("sets it with the source page's form, refuses a bad number keeping what was typed, and keeps everything again", async () => {
    const session = await openConsoleSession();
    const source = await sourceOf(await api("POST", "", { name: "Console retention" }));
    const path = `/console/sources/${source.id}`;
    const page = await (await session.get(path)).text();
    expect(unescapeHtml(page)).toContain("The archive keeps every event of this source.");
    expect(page).toContain(`action="${path}/retention#retention"`);
    expect(page).not.toContain("Keep everything");

    const set = await session.post(`${path}/retention`, { retentionDays: "45" });
    expect(set.status).toBe(303);
    expect(set.headers.get("Location")).toBe(path);
    expect(await sourceOf(await api("GET", `/${source.id}`))).toMatchObject({ retentionDays: 45 });
    const after = unescapeHtml(await (await session.get(path)).text());
    expect(after).toContain("The archive keeps this source's events 45 days");
    expect(after).toContain('name="retentionDays" type="number" required="" min="1" max="3650" step="1" value="45"');

    for (const typed of ["0", "4000", "1.5", "ninety"]) {
      const refused = await session.post(`${path}/retention`, { retentionDays: typed });
      expect(refused.status, typed).toBe(400);
      const html = unescapeHtml(await refused.text());
      expect(html).toContain(`Keep events a whole number of days from 1 to 3650: ${typed} is not one.`);
      expect(html).toContain(`value="${typed}"`);
    }
    const empty = await session.post(`${path}/retention`, { retentionDays: " " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Enter a number of days to keep, such as 90.");
    expect((await session.post(`${path}/retention`, { retentionDays: "2" }, { csrf: false })).status).toBe(403);
    expect(await sourceOf(await api("GET", `/${source.id}`))).toMatchObject({ retentionDays: 45 });

    expect((await session.post(`${path}/retention`, { unlimited: "1" })).status).toBe(303);
    expect(await sourceOf(await api("GET", `/${source.id}`))).not.toHaveProperty("retentionDays");
    expect((await session.post("/console/sources/nope/retention", { retentionDays: "3" })).status).toBe(404);
  });
});
