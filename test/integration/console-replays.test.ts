import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { archiveKey } from "../../src/archive/archive-key";
import { encodeNdjsonGzip } from "../../src/archive/ndjson";
import { admin } from "../support/workerd/admin";
import { requestSignedOut, openConsoleSession, type ConsoleSession } from "../support/workerd/console";
import { createSource, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";
import { waitUntil } from "../support/wait-until";

const DAY = "2026-04-02";

/** `count` track events archived in one hour of DAY, as the pipeline's archive flush writes them. */
async function archiveHour(sourceId: string, count: number): Promise<void> {
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      type: "track",
      event: "Console Replay",
      userId: "u1",
      messageId: `${sourceId}-${index}`,
      projectId: sourceId,
      timestamp: `${DAY}T10:00:${String(index % 60).padStart(2, "0")}.000Z`,
      receivedAt: `${DAY}T10:00:${String(index % 60).padStart(2, "0")}.500Z`,
      properties: { index },
      context: {},
    }),
  );
  await env.ARCHIVE.put(archiveKey(sourceId, `${DAY}/10`, unique("shard")), await encodeNdjsonGzip(lines), { customMetadata: { events: String(count) } });
}

async function webhook(sourceId: string, hook: string): Promise<string> {
  const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
    name: `Console replay target ${hook}`,
    type: "webhook",
    sourceIds: [sourceId],
    settings: { url: `${inject("receiverUrl")}${hook}` },
  });
  expect(created.status).toBe(201);
  return created.body.destination.id;
}

async function startFromForm(session: ConsoleSession, sourceId: string, destinationId: string): Promise<string> {
  const response = await session.post("/console/replays", {
    sourceId,
    destinationIds: [destinationId],
    from: `${DAY}T00:00`,
    to: `${DAY}T23:59:59`,
    eventTypes: "track",
  });
  expect(response.status, await response.clone().text()).toBe(303);
  return response.headers.get("Location")!;
}

describe("console replays", () => {
  it("signed out, the section redirects to sign-in", async () => {
    const response = await requestSignedOut("/console/replays");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/console");
  });

  it("starts a replay from the form, shows its progress until it finishes, and lists it in the history", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console replay source");
    await archiveHour(source.id, 4);
    const hook = `/hooks/${unique("console-replay")}`;
    const destinationId = await webhook(source.id, hook);

    const form = await (await session.get("/console/replays")).text();
    expect(form).toContain("Start a replay");
    expect(form).toContain(`value="${destinationId}"`);

    const path = await startFromForm(session, source.id, destinationId);
    expect(path).toMatch(/^\/console\/replays\/rpl_/);
    const finished = await waitUntil(
      "the replay page to say finished",
      async () => (await session.get(path)).text(),
      (page) => page.includes(">finished<"),
      { timeoutMs: 20_000, describe: (page) => page.slice(page.indexOf("<main>"), page.indexOf("<main>") + 600) },
    );
    expect(finished).not.toContain('http-equiv="refresh"');
    expect(finished).toContain("4 of 4 done: 4 sent");
    expect(finished).not.toContain("Cancel replay");
    expect((await received(hook)).length).toBe(4);

    const history = await (await session.get("/console/replays")).text();
    expect(history).toContain(path.split("/").at(-1));
    expect(history).toContain("4 / 4");
  });

  it("a running replay's page refreshes and offers cancel; cancelling stops it", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console replay to cancel");
    await archiveHour(source.id, 2_000); // 10 s at the default 200 events per second
    const destinationId = await webhook(source.id, `/hooks/${unique("console-cancel")}`);
    const path = await startFromForm(session, source.id, destinationId);

    const running = await (await session.get(path)).text();
    expect(running).toContain('<meta http-equiv="refresh" content="2"');
    expect(running).toContain("Cancel replay");
    const refused = await session.post(`${path}/cancel`, {}, { csrf: false });
    expect(refused.status).toBe(403);
    const cancelled = await session.post(`${path}/cancel`, {});
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get("Location")).toBe(path);
    const page = await (await session.get(path)).text();
    expect(page).not.toContain('http-equiv="refresh"');
    expect(page).not.toContain(">running<");
    expect(page).toContain(">cancelled</span>");
    expect(page).toContain("Cancelled by an admin");
  });

  it("says what to fix and keeps the form when the request does not pass the admin API's checks", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console replay checks");
    const other = await createSource("Console replay other");
    const destinationId = await webhook(other.id, `/hooks/${unique("unconnected")}`);
    const unconnected = await session.post("/console/replays", {
      sourceId: source.id,
      destinationIds: [destinationId],
      from: `${DAY}T00:00`,
      to: `${DAY}T01:00`,
    });
    expect(unconnected.status).toBe(400);
    const page = await unconnected.text();
    expect(page).toContain(`is not connected to source ${source.id}`);
    expect(page).toContain(`value="${DAY}T01:00"`);

    const backwards = await session.post("/console/replays", {
      sourceId: source.id,
      destinationIds: [destinationId],
      from: `${DAY}T02:00`,
      to: `${DAY}T01:00`,
    });
    expect(await backwards.text()).toContain("From must be before To");
    const none = await session.post("/console/replays", { sourceId: source.id, from: `${DAY}T00:00`, to: `${DAY}T01:00` });
    expect(await none.text()).toContain("Check at least one destination to replay into.");
    const tooFast = await session.post("/console/replays", {
      sourceId: source.id,
      destinationIds: [destinationId],
      from: `${DAY}T00:00`,
      to: `${DAY}T01:00`,
      eventNames: "Signed Up\nOrder Completed",
      ratePerSecond: "9000",
    });
    expect(tooFast.status).toBe(400);
    const kept = await tooFast.text();
    expect(kept).toContain("Rate: enter a whole number of events per second per destination, from 1 to 5,000");
    expect(kept).toContain(">Signed Up\nOrder Completed</textarea>");
    expect(kept).toContain('value="9000"');
  });
});
