import { createExecutionContext, createMessageBatch, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../env";
import { debuggerFor } from "../debugger/debugger-stub";
import { DebuggerObject as Debugger } from "../../workers/debugger-object";
import { meteredFetch, meteredObject, meteredQueueHandler } from "./entry-points";
import { isMeteringOn } from "./flag";
import { Meter, METER_PREFIX, type MeterLine } from "./meter";
import { bindingKind, meteredEnv } from "./metered-env";
import { queueOperations } from "./queue-operations";
import { routeGroup } from "./route-group";

const appEnv = env as unknown as AppEnv;
const meteringEnv = { ...appEnv, SLUICE_TEST_HOOKS: "1", SLUICE_METER: "1" } as AppEnv;
const unique = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

/** The `sluice-meter` lines printed while `work` runs (and its microtasks settle). */
async function meterLines(work: () => unknown): Promise<MeterLine[]> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return log.mock.calls
      .map(([first]) => String(first))
      .filter((line) => line.startsWith(METER_PREFIX))
      .map((line) => JSON.parse(line.slice(METER_PREFIX.length)) as MeterLine);
  } finally {
    log.mockRestore();
  }
}

/** Sums every line's counters of one group. */
function total(lines: MeterLine[], group: string): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const line of lines) for (const [name, value] of Object.entries(line.ops[group] ?? {})) sum[name] = (sum[name] ?? 0) + value;
  return sum;
}

afterEach(() => vi.restoreAllMocks());

describe("metering's pure rules", () => {
  it("is on only with both test hooks", () => {
    expect(isMeteringOn({ SLUICE_TEST_HOOKS: "1", SLUICE_METER: "1" })).toBe(true);
    expect(isMeteringOn({ SLUICE_METER: "1" })).toBe(false);
    expect(isMeteringOn({ SLUICE_TEST_HOOKS: "1" })).toBe(false);
    expect(isMeteringOn(appEnv)).toBe(false);
  });

  it("bills a queue operation per started 64 KB, metadata included", () => {
    expect(queueOperations(10)).toBe(1);
    expect(queueOperations(63_900)).toBe(1);
    expect(queueOperations(63_901)).toBe(2);
    expect(queueOperations(128_000)).toBe(3);
  });

  it("groups requests by the API they are for", () => {
    expect(routeGroup("/v1/t")).toBe("tracking");
    expect(routeGroup("/v1/batch")).toBe("tracking");
    expect(routeGroup("/v1/spaces/default/collections/users/profiles/user_id:1/traits")).toBe("profile-api");
    expect(routeGroup("/v1/projects/key/settings")).toBe("sdk");
    expect(routeGroup("/api/v1/sources")).toBe("admin");
    expect(routeGroup("/console/sources")).toBe("console");
  });

  it("prints what an entry counted once, and what comes after on its own", async () => {
    const printed: string[] = [];
    const meter = new Meter("fetch:tracking", (line) => printed.push(line));
    meter.count("d1:DB", { rowsRead: 2 });
    meter.count("d1:DB", { rowsRead: 3, rowsWritten: 1 });
    expect(printed).toEqual([]);
    meter.close();
    meter.count("queue:EVENTS", { messages: 1 });
    await Promise.resolve();
    expect(printed.map((line) => JSON.parse(line.slice(METER_PREFIX.length)) as MeterLine)).toEqual([
      { entry: "fetch:tracking", ops: { "d1:DB": { rowsRead: 5, rowsWritten: 1 } } },
      { entry: "fetch:tracking", ops: { "queue:EVENTS": { messages: 1 } } },
    ]);
  });
});

describe("metered bindings, on the real local ones", () => {
  it("tells Sluice's bindings apart by kind and leaves vars alone", () => {
    expect([appEnv.DB, appEnv.ARCHIVE, appEnv.EVENTS, appEnv.PROFILES, appEnv.SPACE_ID].map(bindingKind)).toEqual(["d1", "r2", "queue", "do", undefined]);
  });

  it("counts D1 queries with the rows D1 reports, in batches too", async () => {
    const lines = await meterLines(async () => {
      const meter = new Meter("test");
      const { DB } = meteredEnv(appEnv, meter);
      const table = `meter_${crypto.randomUUID().replaceAll("-", "")}`;
      await DB.prepare(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT)`).run();
      await DB.batch([
        DB.prepare(`INSERT INTO ${table} (name) VALUES (?), (?)`).bind("a", "b"),
        DB.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind("c"),
      ]);
      expect(await DB.prepare(`SELECT name FROM ${table} ORDER BY id`).first("name")).toBe("a");
      expect((await DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n).toBe(3);
      await DB.prepare(`DROP TABLE ${table}`).run();
      meter.close();
    });
    const counts = total(lines, "d1:DB");
    expect(counts.queries).toBe(6);
    expect(counts.rowsWritten).toBeGreaterThanOrEqual(3);
    expect(counts.rowsRead).toBeGreaterThanOrEqual(4);
    expect(lines.at(-1)?.gauges?.["d1:DB.sizeAfter"]).toBeGreaterThan(0);
  });

  it("counts R2 operations by billing class and the bytes stored", async () => {
    const lines = await meterLines(async () => {
      const meter = new Meter("test");
      const { ARCHIVE } = meteredEnv(appEnv, meter);
      const key = unique("meter-test/object");
      await ARCHIVE.put(key, "twelve bytes");
      await ARCHIVE.head(key);
      expect(await (await ARCHIVE.get(key))?.text()).toBe("twelve bytes");
      await ARCHIVE.list({ prefix: key });
      await ARCHIVE.delete(key);
      meter.close();
    });
    expect(total(lines, "r2:ARCHIVE")).toEqual({ classA: 2, classB: 2, free: 1, bytesPut: 12 });
  });

  it("counts queue messages and their write operations", async () => {
    const lines = await meterLines(async () => {
      const meter = new Meter("test");
      const { DELIVERIES_DLQ } = meteredEnv(appEnv, meter);
      const body = { deadLetter: { queue: "meter-test", messageId: unique("m"), reason: "a metering test" } };
      await DELIVERIES_DLQ.send(body);
      await DELIVERIES_DLQ.sendBatch([{ body }, { body: { ...body, padding: "x".repeat(70_000) } }]);
      meter.close();
    });
    expect(total(lines, "queue:DELIVERIES_DLQ")).toMatchObject({ messages: 3, writeOps: 4 });
  });

  it("counts each call on a Durable Object stub as one request", async () => {
    const lines = await meterLines(async () => {
      const meter = new Meter("test");
      const stub = debuggerFor(meteredEnv(appEnv, meter), unique("meter-debugger"));
      expect(await stub.recent()).toEqual([]);
      await stub.recent();
      meter.close();
    });
    expect(total(lines, "do:DEBUGGER").requests).toBe(2);
  });
});

describe("metered entry points", () => {
  it("hand the handler its env and batch untouched when metering is off", async () => {
    const seen: unknown[] = [];
    const lines = await meterLines(async () => {
      await meteredFetch((_request, given) => (seen.push(given), new Response("ok")))(new Request("https://sluice/v1/t"), appEnv, createExecutionContext());
      const batch = createMessageBatch("sluice-test", [{ id: "m1", timestamp: new Date(), attempts: 1, body: {} }]);
      await meteredQueueHandler((given) => (seen.push(given), Promise.resolve()))(batch, appEnv, createExecutionContext());
      seen.push(batch);
    });
    expect(seen[0]).toBe(appEnv);
    expect(seen[1]).toBe(seen[2]);
    expect(lines).toEqual([]);
  });

  it("count one Worker request per fetch, with what its bindings did", async () => {
    const lines = await meterLines(() =>
      meteredFetch(async (_request, given) => {
        await given.DB.prepare("SELECT 1").all();
        return new Response("ok");
      })(new Request("https://sluice/v1/batch", { method: "POST" }), meteringEnv, createExecutionContext()),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ entry: "fetch:tracking", ops: { worker: { requests: 1 }, "d1:DB": { queries: 1 } } });
  });

  it("count a queue batch's read operations, and delete operations for what was acked", async () => {
    const batch = createMessageBatch("sluice-test", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { n: 1 } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { n: 2 } },
      { id: "m3", timestamp: new Date(), attempts: 1, body: { n: 3 } },
    ]);
    const lines = await meterLines(() =>
      meteredQueueHandler((given) => {
        given.messages[0]!.ack();
        given.messages[1]!.retry();
        // the third is left undecided: acked because the handler returns
        return Promise.resolve();
      })(batch, meteringEnv, createExecutionContext()),
    );
    expect(lines[0]).toMatchObject({
      entry: "queue:sluice-test",
      ops: { worker: { requests: 1 }, "consume:sluice-test": { messages: 3, acked: 2, retried: 1, readOps: 3, deleteOps: 2 } },
    });
  });

  it("leave a Durable Object's storage and env untouched when metering is off", async () => {
    const stub = appEnv.DEBUGGER.get(appEnv.DEBUGGER.idFromName(unique("meter-off")));
    await runInDurableObject(stub, (_instance, state) => {
      expect(Object.hasOwn(state.storage.sql, "exec")).toBe(false);
      expect(Object.hasOwn(state.storage, "setAlarm")).toBe(false);
    });
  });

  it("count a Durable Object's SQLite rows, alarms set and size when metering is on", async () => {
    const MeteredDebugger = meteredObject(Debugger, "DebuggerObject");
    const stub = appEnv.DEBUGGER.get(appEnv.DEBUGGER.idFromName(unique("meter-on")));
    const lines = await runInDurableObject(stub, (_instance, state) =>
      meterLines(async () => {
        // A second instance on the object's storage, built as the runtime would with metering on.
        const metered = new MeteredDebugger(state, meteringEnv);
        metered.record([
          { id: "a", messageId: "a", sourceId: "s", receivedAt: new Date().toISOString(), kind: "accepted", event: { type: "track" }, journey: {} },
          { id: "b", messageId: "b", sourceId: "s", receivedAt: new Date().toISOString(), kind: "accepted", event: { type: "track" }, journey: {} },
        ]);
        await Promise.resolve();
        await state.storage.setAlarm(Date.now() + 60_000);
        await state.storage.deleteAlarm();
      }),
    );
    const sql = total(lines, "sql");
    expect(sql.rowsWritten).toBeGreaterThanOrEqual(3); // two entries, one alarm
    expect(sql.alarmsSet).toBe(1);
    expect(lines.every((line) => line.entry === "do:DebuggerObject" && line.object === stub.id.toString())).toBe(true);
    expect(lines.at(-1)?.gauges?.["sql.databaseSize"]).toBeGreaterThan(0);
  });
});
