import { describe, expect, it } from "vitest";
import { compareOnce, countIds } from "./exactly-once";
import { faultsAt, invocations, testLines, unfinishedDispatches } from "./server-log";

const received = (queue: string, ids: string[]) => `{"sluiceTest":"received","queue":"${queue}","at":1,"messageIds":${JSON.stringify(ids)}}`;

describe("the consumers' trace in a server log", () => {
  it("pairs each queue's invocations with Miniflare's end-of-dispatch lines, in order", () => {
    const log = [
      received("sluice-events", ["a", "b"]),
      "[wrangler:info] POST /v1/track 200 OK (3ms)",
      received("sluice-identity", ["a"]),
      "[wrangler:info] QUEUE sluice-events 2/2 (80ms)",
      received("sluice-events", ["c"]),
      "\u001b[32m[wrangler:info] QUEUE sluice-identity 0/1 (12ms)\u001b[0m",
      received("sluice-events", ["d"]),
      '{"sluiceTest":"received","queue":"sluice-events","at":1,"messageIds":["e"', // cut short by a SIGKILL
    ].join("\n");
    expect(invocations(log, "sluice-events")).toEqual([
      { messageIds: ["a", "b"], finished: true },
      { messageIds: ["c"], finished: false },
      { messageIds: ["d"], finished: false },
    ]);
    expect(invocations(log, "sluice-identity")).toEqual([{ messageIds: ["a"], finished: true }]);
    expect(invocations(log, "sluice-deliveries")).toEqual([]);
  });

  it("names the dispatches that never ended", () => {
    const log = [received("sluice-events", ["a"]), "QUEUE sluice-events 1/1 (3ms)", received("sluice-identity", ["a", "b"])].join("\n");
    expect(unfinishedDispatches(log, ["sluice-events", "sluice-identity"])).toEqual(["sluice-identity: a dispatch of 2 events (first a) never ended"]);
  });

  it("reads injected faults by point", () => {
    const log = `x\n{"sluiceTest":"fault","point":"events.before-ack","queue":"sluice-events","at":2,"messageIds":["a"]}\n${received("sluice-events", ["a"])}`;
    expect(faultsAt(testLines(log), ["events.before-ack"]).map((fault) => fault.messageIds)).toEqual([["a"]]);
    expect(faultsAt(testLines(log), ["deliveries.before-ack"])).toEqual([]);
  });
});

describe("compareOnce", () => {
  it("names what is missing, unexpected and repeated", () => {
    expect(compareOnce(["a", "b", "c"], countIds(["a", "c", "c", "d"]))).toEqual({ missing: ["b"], unexpected: ["d"], repeated: [["c", 2]] });
    expect(compareOnce(["a"], countIds(["a"]))).toEqual({ missing: [], unexpected: [], repeated: [] });
  });
});
