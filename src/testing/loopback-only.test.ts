import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { isLoopbackHostname, loopbackOnlyWithTestHooks, testHooksRefusal } from "./loopback-only";

describe("isLoopbackHostname", () => {
  it("knows loopback names and addresses", () => {
    for (const host of ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"]) expect(isLoopbackHostname(host)).toBe(true);
  });

  it("refuses everything else, including look-alikes", () => {
    for (const host of ["data.example.com", "localhost.example.com", "127.0.0.1.nip.io", "128.0.0.1", "10.0.0.1", "127.0.0.256", "[::2]", "0.0.0.0", ""]) {
      expect(isLoopbackHostname(host)).toBe(false);
    }
  });
});

describe("a Worker with the test hooks on", () => {
  it("refuses any request to a non-loopback host, saying which var to remove", () => {
    expect(testHooksRefusal({ SLUICE_TEST_HOOKS: "1" }, "https://data.example.com/v1/track")).toMatch(
      /SLUICE_TEST_HOOKS=1.*data\.example\.com.*Remove SLUICE_TEST_HOOKS/,
    );
    expect(testHooksRefusal({ SLUICE_TEST_HOOKS: "1" }, "http://127.0.0.1:8787/v1/track")).toBeNull();
    expect(testHooksRefusal({ SLUICE_TEST_HOOKS: "0" }, "https://data.example.com/v1/track")).toBeNull();
    expect(testHooksRefusal({}, "https://data.example.com/v1/track")).toBeNull();
  });

  it("answers 503 before any route runs", async () => {
    const app = new Hono<HonoEnv>().use(loopbackOnlyWithTestHooks).get("/health", (c) => c.json({ ok: true }));
    const env = { SLUICE_TEST_HOOKS: "1" } as HonoEnv["Bindings"];
    const refused = await app.request("https://data.example.com/health", {}, env);
    expect(refused.status).toBe(503);
    expect((await refused.json<{ error: string }>()).error).toMatch(/loopback/);
    expect((await app.request("http://localhost:8787/health", {}, env)).status).toBe(200);
    expect((await app.request("https://data.example.com/health", {}, { ...env, SLUICE_TEST_HOOKS: undefined })).status).toBe(200);
  });
});
