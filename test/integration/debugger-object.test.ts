import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { debuggerFor, debuggerObjectName } from "../../src/debugger/debugger-stub";
import type { DebuggerEntry } from "../../src/debugger/entry";
import { waitUntil } from "../support/wait-until";
import { unique } from "../support/workerd/profiles";
import { DebuggerObject } from "../../workers/debugger-object";
import { collectStream } from "../support/workerd/stream";

const stubFor = (sourceId: string) => debuggerFor(env, sourceId);

const entry = (messageId: string, second: number): DebuggerEntry => ({
  id: messageId,
  messageId,
  sourceId: "src_object_test",
  receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  kind: "accepted",
  event: { type: "track", event: "Clicked", messageId },
  journey: { archived: true },
});

describe("DebuggerObject", () => {
  it("keeps recorded entries newest first and merges updates into them", async () => {
    const stub = stubFor(unique("debugger"));
    await stub.record([entry("a", 1), entry("b", 2)]);
    await stub.update([{ messageId: "a", journey: { deliveries: { dst_1: { status: "delivered", attempts: 1, outcome: "delivered" } } } }]);
    const recent = await stub.recent();
    expect(recent.map(({ id }) => id)).toEqual(["b", "a"]);
    expect(recent[1]!.journey).toEqual({ archived: true, deliveries: { dst_1: { status: "delivered", attempts: 1, outcome: "delivered" } } });
  });

  it("streams new entries and updates to an open WebSocket, nothing before it", async () => {
    const stub = stubFor(unique("debugger"));
    await stub.record([entry("before", 1)]);
    const { socket, received } = collectStream(await stub.fetch(new Request("https://debugger/", { headers: { Upgrade: "websocket" } })));

    await stub.record([entry("after", 2)]);
    await stub.update([{ messageId: "after", journey: { deliveries: { dst_1: { status: "retrying", attempts: 1, outcome: "answered 503" } } } }]);
    await waitUntil(
      "two stream messages",
      () => received.length,
      (count) => count >= 2,
    );
    expect(received.map((message) => message.entries.map(({ id }) => id))).toEqual([["after"], ["after"]]);
    expect(received[1]!.entries[0]!.journey.deliveries).toEqual({ dst_1: { status: "retrying", attempts: 1, outcome: "answered 503" } });
    socket.close(1000, "done");
  });

  it("reads its buffer back from SQLite when it wakes with nothing in memory (after hibernation or eviction)", async () => {
    const sourceId = unique("debugger");
    await stubFor(sourceId).record([entry("a", 1), entry("b", 2)]);
    const stub = env.DEBUGGER.get(env.DEBUGGER.idFromName(debuggerObjectName(env.SPACE_ID, sourceId)));
    const recent = await runInDurableObject(stub, (_instance, state) => new DebuggerObject(state, env).recent());
    expect(recent.map(({ id }) => id)).toEqual(["b", "a"]);
  });

  it("refuses a plain request: it only upgrades", async () => {
    expect((await stubFor(unique("debugger")).fetch(new Request("https://debugger/"))).status).toBe(426);
  });
});
