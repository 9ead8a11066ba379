import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { METER_PREFIX, type MeterLine } from "../../src/metering/meter";
import { meterObjectStorage } from "../../src/metering/metered-storage";
import type { DebuggerEntry } from "../../src/debugger/entry";
import type { RecordedEvent } from "../../src/identity/profile-record";
import type { DebuggerObject } from "../../workers/debugger-object";
import type { ProfileObject } from "../../workers/profile-object";
import { unique } from "../support/workerd/profiles";

/**
 * Durable Object SQLite bills every row written ($1 per million), and the pipeline writes some on
 * every event: these pin what the busiest writes cost, counted by the metering hook on the
 * object's real storage, so a change that writes more per event shows up here.
 */

/** Counts the rows `state`'s SQLite writes from now on; `take()` answers the count since the last take. */
function rowCounter(state: DurableObjectState, className: string): { take: () => Promise<number> } {
  let lines: string[] = [];
  meterObjectStorage(state, className, (line) => lines.push(line));
  return {
    take: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0)); // the meter tallies in a microtask
      const written = lines
        .map((line) => JSON.parse(line.slice(METER_PREFIX.length)) as MeterLine)
        .reduce((sum, line) => sum + (line.ops.sql?.rowsWritten ?? 0), 0);
      lines = [];
      return written;
    },
  };
}

const recorded = (messageId: string, timestamp: string): RecordedEvent => ({
  messageId,
  type: "track",
  name: "Product Viewed",
  sourceId: "src_rows",
  timestamp,
  body: JSON.stringify({ type: "track", event: "Product Viewed", messageId }),
});

describe("SQLite rows written per event", () => {
  it("a known person's event writes 6 rows on their profile: the event with its two indexes, and three metadata fields updated in place", async () => {
    const stub = env.PROFILES.get(env.PROFILES.idFromName(unique("rows-profile")));
    await runInDurableObject(stub, async (profile: ProfileObject, state) => {
      profile.create("prof_rows", "users", "2026-01-01T00:00:00.000Z");
      profile.apply({ event: recorded("m1", "2026-01-01T00:00:01.000Z"), now: "2026-01-01T00:00:02.000Z" });
      const rows = rowCounter(state, "ProfileObject");
      profile.apply({ event: recorded("m2", "2026-01-01T00:00:03.000Z"), now: "2026-01-01T00:00:04.000Z" });
      // events: table row, message_id key, events_by_time; meta: updated_at, last_timestamp, last_message_id.
      expect(await rows.take()).toBe(6);
      profile.apply({ event: recorded("m2", "2026-01-01T00:00:03.000Z"), now: "2026-01-01T00:00:05.000Z" });
      expect(await rows.take()).toBe(0); // the same event again changes nothing
    });
  });

  it("a delivery's news rewrites its debugger entry's one row", async () => {
    const stub = env.DEBUGGER.get(env.DEBUGGER.idFromName(unique("rows-debugger")));
    const entry: DebuggerEntry = {
      id: "m1",
      messageId: "m1",
      sourceId: "src_rows",
      receivedAt: "2026-01-01T00:00:00.000Z",
      kind: "accepted",
      event: { type: "track", event: "Product Viewed", messageId: "m1" },
      journey: { archived: true },
    };
    await runInDurableObject(stub, async (debuggerObject: DebuggerObject, state) => {
      const rows = rowCounter(state, "DebuggerObject");
      debuggerObject.record([entry]);
      expect(await rows.take()).toBe(2); // the entry and its id's key
      debuggerObject.update([{ messageId: "m1", journey: { deliveries: { dst_1: { status: "delivered", attempts: 1, outcome: "delivered" } } } }]);
      expect(await rows.take()).toBe(1);
      expect(debuggerObject.recent()[0]!.journey.deliveries).toEqual({ dst_1: { status: "delivered", attempts: 1, outcome: "delivered" } });
    });
  });
});
