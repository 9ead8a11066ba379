import { SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import type { DebuggerEntry } from "../../src/debugger/entry";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { createSource, unique } from "../support/workerd/profiles";
import { collectStream } from "../support/workerd/stream";

/**
 * The live debugger end to end in workerd: events go in through the Worker's own fetch handler
 * (so invalid ones are recorded through the request's waitUntil), through the real queues and
 * consumers, and come out of `GET /api/v1/sources/:id/debugger` and its WebSocket.
 */

const ORIGIN = "https://sluice.test";
const ADMIN = { Authorization: "Bearer test_admin_token" };

async function post(writeKey: string, path: string, body: object): Promise<{ status: number; body: unknown }> {
  const response = await SELF.fetch(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${writeKey}:`)}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const debuggerEvents = async (sourceId: string) => (await admin<{ events: DebuggerEntry[] }>("GET", `/sources/${sourceId}/debugger`)).body.events;

function waitForEntries(sourceId: string, what: string, done: (events: DebuggerEntry[]) => boolean, timeoutMs = 20_000) {
  return waitUntil(`${what} in the debugger of ${sourceId}`, () => debuggerEvents(sourceId), done, {
    timeoutMs,
    describe: (events) => `${events.length} entries: ${JSON.stringify(events.slice(0, 10).map(({ id, kind, journey }) => ({ id, kind, journey })))}`,
  });
}

describe("the live debugger", () => {
  it("shows accepted, blocked, duplicate and invalid events, newest first, with their journeys", async () => {
    const source = await createSource("Debugger source");
    await admin("PATCH", `/sources/${source.id}/schema/events`, { type: "track", name: "Spam", blocked: true });
    const hook = `/hooks/${unique("debugger")}`;
    const destination = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Debugger hook",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}` },
    });
    const destinationId = destination.body.destination.id;
    const ids = { ok: unique("m"), spam: unique("m") };

    const first = await post(source.writeKey, "/v1/batch", {
      batch: [
        { type: "track", event: "Signed Up", userId: "u1", messageId: ids.ok },
        { type: "track", event: "Spam", userId: "u1", messageId: ids.spam },
        { type: "track", userId: "u1", properties: { plan: "pro" } },
      ],
    });
    expect(first).toEqual({ status: 200, body: { success: true, errors: [expect.objectContaining({ index: 2 })] } });
    const clientError = (first.body as { errors: { field: string; message: string }[] }).errors[0]!;
    const single = await post(source.writeKey, "/v1/identify", { traits: { plan: "pro" } });
    expect(single.status).toBe(400);
    // The same messageId again in another request: another queue message, so a duplicate.
    expect((await post(source.writeKey, "/v1/track", { event: "Signed Up", userId: "u1", messageId: ids.ok })).status).toBe(200);

    const events = await waitForEntries(
      source.id,
      "the accepted event delivered, the blocked one, a duplicate and two invalid ones",
      (entries) =>
        entries.some((e) => e.id === ids.ok && e.journey.deliveries?.[destinationId]?.status === "delivered") &&
        entries.some((e) => e.id === ids.spam) &&
        entries.some((e) => e.kind === "duplicate") &&
        entries.filter((e) => e.kind === "invalid").length === 2,
    );
    const byId = new Map(events.map((entry) => [entry.id, entry]));
    expect(byId.get(ids.ok)).toMatchObject({
      kind: "accepted",
      sourceId: source.id,
      event: { event: "Signed Up", messageId: ids.ok },
      journey: {
        plan: { verdict: "passed", violations: [] },
        blocked: null,
        archived: true,
        deliveries: { [destinationId]: { status: "delivered", attempts: 1, outcome: "delivered" } },
      },
    });
    expect(byId.get(ids.spam)!.journey).toMatchObject({ plan: { verdict: "blocked" }, blocked: "Blocked in Schema", archived: false });
    expect(byId.get(ids.spam)!.journey.deliveries).toBeUndefined();
    expect(events.find((e) => e.kind === "duplicate")).toMatchObject({ messageId: ids.ok, event: { messageId: ids.ok }, journey: {} });
    const invalid = events.filter((e) => e.kind === "invalid");
    expect(invalid.map(({ error }) => error)).toEqual(
      expect.arrayContaining([
        { field: clientError.field, message: clientError.message },
        { field: expect.any(String) as string, message: (single.body as { error: string }).error },
      ]),
    );
    expect(invalid.find((e) => e.error!.message === clientError.message)!.event).toEqual({ type: "track", userId: "u1", properties: { plan: "pro" } });

    const times = events.map(({ receivedAt }) => receivedAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("streams a new event to a WebSocket opened on the route", async () => {
    const source = await createSource("Debugger stream");
    const { socket, received } = collectStream(
      await SELF.fetch(`${ORIGIN}/api/v1/sources/${source.id}/debugger`, { headers: { ...ADMIN, Upgrade: "websocket" } }),
    );

    const messageId = unique("m");
    const sentAt = Date.now();
    expect((await post(source.writeKey, "/v1/track", { event: "Live", userId: "u1", messageId })).status).toBe(200);
    await waitUntil(
      `event ${messageId} on the socket`,
      () => received.flatMap(({ entries }) => entries),
      (entries) => entries.some((entry) => entry.id === messageId && entry.journey.archived === true),
    );
    // Diagnostics only (no timing assertion): how long the consumer path took here.
    console.log(`debugger: event on the socket ${Date.now() - sentAt} ms after the POST`);
    expect(received[0]!.type).toBe("entries");
    socket.close(1000, "done");
  });

  it("refuses an unknown source and a missing admin token", async () => {
    expect((await admin("GET", "/sources/src_nope/debugger")).status).toBe(404);
    expect((await SELF.fetch(`${ORIGIN}/api/v1/sources/src_nope/debugger`, { headers: { Upgrade: "websocket" } })).status).toBe(401);
  });

  it("keeps the newest 500 of 600 events", async () => {
    const source = await createSource("Debugger bounds");
    const batch = (tag: string) => Array.from({ length: 300 }, (_, i) => ({ type: "track", event: "Bulk", userId: "u1", messageId: `${tag}-${i}` }));
    const older = batch(unique("older"));
    const newer = batch(unique("newer"));
    expect((await post(source.writeKey, "/v1/batch", { batch: older })).status).toBe(200);
    expect((await post(source.writeKey, "/v1/batch", { batch: newer })).status).toBe(200);
    const events = await waitForEntries(source.id, "500 entries, all 300 of the newer batch among them", (entries) => {
      const ids = new Set(entries.map(({ id }) => id));
      return entries.length === 500 && newer.every(({ messageId }) => ids.has(messageId));
    });
    expect(events.filter(({ id }) => older.some(({ messageId }) => messageId === id))).toHaveLength(200);
  });
});
