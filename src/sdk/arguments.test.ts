import { describe, expect, it } from "vitest";
import { resolveAliasArguments, resolveIdArguments, resolvePageArguments, resolveTrackArguments } from "./arguments";

describe("page arguments", () => {
  const cb = () => {};
  it.each([
    [[], { category: null, name: null, properties: {}, options: {} }],
    [["Home"], { category: null, name: "Home", properties: {}, options: {} }],
    [["Docs", "Intro"], { category: "Docs", name: "Intro", properties: {}, options: {} }],
    [["Intro", { a: 1 }], { category: null, name: "Intro", properties: { a: 1 }, options: {} }],
    [["Docs", "Intro", { a: 1 }, { context: { x: 1 } }], { category: "Docs", name: "Intro", properties: { a: 1 }, options: { context: { x: 1 } } }],
    [[{ a: 1 }], { category: null, name: null, properties: { a: 1 }, options: {} }],
  ])("resolves %j", (args, expected) => {
    expect(resolvePageArguments(args)).toMatchObject(expected);
  });
  it("finds the callback wherever it is", () => {
    expect(resolvePageArguments(["Home", cb]).callback).toBe(cb);
    expect(resolvePageArguments(["Docs", "Intro", {}, {}, cb]).callback).toBe(cb);
  });
});

describe("identify and group arguments", () => {
  it("treats a leading object as traits with the stored id kept", () => {
    expect(resolveIdArguments([{ plan: "pro" }])).toMatchObject({ id: undefined, traits: { plan: "pro" } });
  });
  it("reads id, traits and options", () => {
    expect(resolveIdArguments(["u1", { plan: "pro" }, { integrations: { All: false } }])).toMatchObject({
      id: "u1",
      traits: { plan: "pro" },
      options: { integrations: { All: false } },
    });
    expect(resolveIdArguments([42]).id).toBe("42");
    expect(resolveIdArguments([null, { a: 1 }])).toMatchObject({ id: null, traits: { a: 1 } });
  });
});

describe("track arguments", () => {
  it("reads event, properties, options and callback", () => {
    const cb = () => {};
    expect(resolveTrackArguments(["Clicked", { b: 1 }, { timestamp: "x" }, cb])).toEqual({
      event: "Clicked",
      properties: { b: 1 },
      options: { timestamp: "x" },
      callback: cb,
    });
    expect(resolveTrackArguments(["Clicked", cb])).toMatchObject({ properties: {}, options: {}, callback: cb });
  });
});

describe("alias arguments", () => {
  it("reads the new id, the previous id when given as a string, options and callback", () => {
    const cb = () => {};
    expect(resolveAliasArguments(["u2", "u1", { context: { x: 1 } }, cb])).toEqual({
      userId: "u2",
      previousId: "u1",
      options: { context: { x: 1 } },
      callback: cb,
    });
    expect(resolveAliasArguments([42, { integrations: { All: false } }])).toEqual({
      userId: "42",
      previousId: undefined,
      options: { integrations: { All: false } },
      callback: undefined,
    });
  });
});
