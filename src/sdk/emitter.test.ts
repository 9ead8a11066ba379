import { describe, expect, it } from "vitest";
import { createEmitter } from "./emitter";

describe("createEmitter", () => {
  it("calls on() listeners with the arguments, once() listeners the first time only, and only for their name", () => {
    const emitter = createEmitter<Record<string, unknown[]>>();
    const calls: string[] = [];
    emitter.on("track", (name, n) => calls.push(`on ${String(name)} ${String(n)}`));
    emitter.once("track", (name, n) => calls.push(`once ${String(name)} ${String(n)}`));
    emitter.on("page", () => calls.push("page"));
    emitter.emit("track", "A", 1);
    emitter.emit("track", "B", 2);
    expect(calls).toEqual(["on A 1", "once A 1", "on B 2"]);
  });

  it("off() removes an on() or a once() listener by the function given, for that name only", () => {
    const emitter = createEmitter<Record<string, unknown[]>>();
    const calls: string[] = [];
    const listener = (name: unknown) => calls.push(String(name));
    emitter.on("track", listener);
    emitter.once("identify", listener);
    emitter.on("page", listener);
    emitter.off("track", listener);
    emitter.off("identify", listener);
    emitter.emit("track", "track");
    emitter.emit("identify", "identify");
    emitter.emit("page", "page");
    expect(calls).toEqual(["page"]);
  });

  it("a throwing listener does not keep the next one from running", () => {
    const emitter = createEmitter<Record<string, unknown[]>>();
    const calls: string[] = [];
    emitter.on("reset", () => {
      throw new Error("listener failed (expected in this test)");
    });
    emitter.on("reset", () => calls.push("second"));
    emitter.emit("reset");
    expect(calls).toEqual(["second"]);
  });
});
