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

  it("answers a body nested past 100 levels or with a __proto__ key with a 400 naming the field", async () => {
    const deepSchema = `{"properties":${'{"properties":'.repeat(3_000)}{}${"}".repeat(3_000)}}`;
    const plan = await post("/tracking-plans", { body: JSON.stringify({ name: "Deep" }), contentType: "application/json" });
    const { trackingPlan } = await plan.json<{ trackingPlan: { id: string } }>();
    // Found by test/reliability/hostile-admin.test.ts: this answered 500 (the rules' pattern walk overflowed).
    const patch = await app.request(
      `/api/v1/tracking-plans/${trackingPlan.id}`,
      {
        method: "PATCH",
        headers: { Authorization: "Bearer test_admin_token" },
        body: `{"rules":[{"type":"TRACK","key":"a","jsonSchema":${deepSchema}}]}`,
      },
      env,
    );
    expect(patch.status).toBe(400);
    expect(await patch.json<Answer>()).toMatchObject({ field: "rules.0", error: expect.stringMatching(/more than 100 levels deep/) as string });

    const proto = await post("/sources", { body: '{"name":"Proto","__proto__":{"enabled":false}}', contentType: "application/json" });
    expect(proto.status).toBe(400);
    expect(await proto.json<Answer>()).toMatchObject({ field: "__proto__", error: expect.stringMatching(/__proto__ is refused/) as string });
  });
});
