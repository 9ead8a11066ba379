import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findSuppressedEvents } from "../../src/privacy/suppression-store";
import { RegulationStore } from "../../src/privacy/regulation-store";
import { openConsoleSession } from "../support/workerd/console";
import { uniqueId } from "../support/workerd/events";

/** The Privacy page drives the same createRegulation as the Regulations API, and shows what it did. */
describe("console: Privacy", () => {
  it("creates a regulation from the form, suppresses the person, and shows its progress", async () => {
    const session = await openConsoleSession();
    const userId = uniqueId("forget-me");
    const created = await session.post("/console/privacy/regulations", { regulationType: "SUPPRESS_ONLY", subjectIds: `${userId}\n\n${userId}\n` });
    expect(created.status).toBe(303);
    const location = created.headers.get("Location")!;
    expect(location).toMatch(/^\/console\/privacy\/regulations\/reg_[A-Za-z0-9]{22}$/);

    const id = decodeURIComponent(location.split("/").at(-1)!);
    const regulation = await new RegulationStore(env.DB).get(id);
    expect(regulation).toMatchObject({ regulationType: "SUPPRESS_ONLY", subjectIds: [userId], status: "FINISHED" });
    expect(await findSuppressedEvents(env.DB, [{ type: "track", event: "x", userId }])).toEqual([true]);

    const page = await (await session.get(location)).text();
    expect(page).toContain('<span class="pill pill-ok">FINISHED</span>');
    expect(page).toContain('<th scope="row">suppression</th>');
    expect(page).toContain(userId);
    expect(page).not.toContain('http-equiv="refresh"');

    const list = await (await session.get("/console/privacy")).text();
    expect(list).toContain(`href="${location}"`);
  });

  it("shows when the regulation asked for the warehouse syncs, and which did not start, as text", async () => {
    const session = await openConsoleSession();
    const store = new RegulationStore(env.DB);
    const regulation = await store.create({ regulationType: "DELETE_ARCHIVE_ONLY", subjectIds: [uniqueId("gone")], covered: [], now: new Date() });
    const requestedAt = "2026-11-30T10:00:00.000Z";
    const error = "warehouse syncs after a deletion did not start for src_1: <b>D1 is down</b>";
    await store.saveProgress(regulation.id, "RUNNING", { stores: {}, destinations: {}, warehouse: { requestedAt, error } }, new Date());

    const page = await (await session.get(`/console/privacy/regulations/${regulation.id}`)).text();
    expect(page).toContain("<dt>Warehouse syncs</dt>");
    expect(page).toContain(`datetime="${requestedAt}"`);
    expect(page).toContain("not started: warehouse syncs after a deletion did not start for src_1: &lt;b&gt;D1 is down&lt;/b&gt;");
    expect(page).not.toContain("<b>D1 is down</b>");
  });

  it("refuses a form without its CSRF field, and says what is wrong with a bad one, keeping what was typed", async () => {
    const session = await openConsoleSession();
    expect((await session.post("/console/privacy/regulations", { regulationType: "SUPPRESS_ONLY", subjectIds: "u1" }, { csrf: false })).status).toBe(403);
    const empty = await session.post("/console/privacy/regulations", { regulationType: "DELETE_ONLY", subjectIds: "<script>alert(1)</script>\n" });
    expect(empty.status).toBe(303); // a strange userId is still a userId
    const blank = await session.post("/console/privacy/regulations", { regulationType: "DELETE_ONLY", subjectIds: "  " });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain("Enter at least one userId, one per line.");
  });

  it("renders every userId as text and a missing regulation as a 404 page", async () => {
    const session = await openConsoleSession();
    const hostile = `<img src=x onerror=alert(1)>${uniqueId("x")}`;
    const created = await session.post("/console/privacy/regulations", { regulationType: "SUPPRESS_ONLY", subjectIds: hostile });
    const page = await (await session.get(created.headers.get("Location")!)).text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect((await session.get("/console/privacy/regulations/reg_nope")).status).toBe(404);
  });
});
