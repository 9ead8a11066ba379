import { describe, expect, it } from "vitest";
import type { IdentityBindings } from "../identity/durable-store";
import type { ProfileDescription } from "../identity/resolve-event";
import { afterEachWrite } from "./identity-writes";

/** Plain in-memory shards and profiles that log each call, to see where `afterWrite` runs. */
function loggingBindings(log: string[]): IdentityBindings {
  const call =
    <R>(name: string, result: R) =>
    () => {
      log.push(name);
      return Promise.resolve(result);
    };
  return {
    index: () => ({ lookup: call("lookup", [null]), claim: call("claim", ["p1"]), repoint: call("repoint", undefined) }),
    profile: () => ({
      create: call("create", undefined),
      describe: call("describe", {} as ProfileDescription),
      addIdentifiers: call("addIdentifiers", true),
      apply: call("apply", { mergedInto: null }),
      snapshot: call("snapshot", {} as never),
      eventPage: call("eventPage", []),
      absorbEvents: call("absorbEvents", { forwardTo: null }),
      absorb: call("absorb", { forwardTo: null }),
      markMergedInto: call("markMergedInto", "p2"),
      confirmMerged: call("confirmMerged", undefined),
    }),
  };
}

describe("afterEachWrite", () => {
  it("runs after each write has landed and never after a read, answering what the write answered", async () => {
    const log: string[] = [];
    const bindings = afterEachWrite(loggingBindings(log), () => log.push("after"));
    const shard = bindings.index("s");
    const profile = bindings.profile("p1");
    expect(await shard.lookup(["user_id:u"])).toEqual([null]);
    expect(await shard.claim(["user_id:u"], "p1")).toEqual(["p1"]);
    await profile.describe();
    await profile.create("p1", "users", "2026-01-01T00:00:00.000Z");
    expect(await profile.apply({ now: "2026-01-01T00:00:00.000Z" } as never)).toEqual({ mergedInto: null });
    expect(await profile.markMergedInto("p2")).toBe("p2");
    await profile.eventPage(null, 10);
    expect(log).toEqual(["lookup", "claim", "after", "describe", "create", "after", "apply", "after", "markMergedInto", "after", "eventPage"]);
  });

  it("lets a throw from afterWrite out after the write landed: a crash between two writes", async () => {
    const log: string[] = [];
    const bindings = afterEachWrite(loggingBindings(log), () => {
      throw new Error("crash");
    });
    await expect(bindings.profile("p1").addIdentifiers([], "2026-01-01T00:00:00.000Z")).rejects.toThrow("crash");
    expect(log).toEqual(["addIdentifiers"]);
  });
});
