import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";

const post = (path: string, init: { body?: string; contentType?: string }) =>
  app.request(
    `/api/v1${path}`,
    {
      method: "POST",
      headers: { Authorization: "Bearer test_admin_token", ...(init.contentType ? { "Content-Type": init.contentType } : {}) },
      ...(init.body === undefined ? {} : { body: init.body }),
    },
    env,
  );

type Answer = { success?: boolean; error?: string; field?: string; source?: { name: string } };

describe("admin request bodies", () => {
  it("are JSON whatever their Content-Type says", async () => {
    for (const contentType of [
      undefined,
      "application/json",
      "application/json; charset=utf-8",
      "application/json ; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
    ]) {
      const response = await post("/sources", { body: JSON.stringify({ name: `Labelled ${contentType}` }), contentType });
      expect(response.status, String(contentType)).toBe(201);
      expect((await response.json<Answer>()).source?.name).toBe(`Labelled ${contentType}`);
    }
  });

  it("answers a missing body by naming the missing field, labelled JSON or not", async () => {
    for (const contentType of [undefined, "application/json"]) {
      const response = await post("/sources", { contentType });
      expect(response.status, String(contentType)).toBe(400);
      expect(await response.json<Answer>()).toMatchObject({ success: false, field: "name" });
    }
  });

  it("answers a body that is not JSON with a 400 that says so", async () => {
    const response = await post("/sources", { body: "{name:", contentType: "application/json" });
    expect(response.status).toBe(400);
    expect((await response.json<Answer>()).error).toMatch(/not valid JSON/);
  });
});
