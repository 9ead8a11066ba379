import { describe, expect, it } from "vitest";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { signInToConsole } from "../support/workerd/console";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";

const RULE_SCHEMA = JSON.stringify(
  {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: { properties: { type: "object", properties: { total: { type: "number" } }, required: ["total"] } },
  },
  null,
  2,
);

describe("console: tracking plans", () => {
  it("creates a plan; a nameless one is refused with the error next to the field", async () => {
    const ui = await signInToConsole();
    const nameless = await ui.post("/console/tracking-plans", { name: "  ", csrf: ui.csrf });
    expect(nameless.status).toBe(400);
    expect(nameless.html).toContain('id="plan-name-error" role="alert"');

    const name = unique("Checkout plan");
    const created = await ui.post("/console/tracking-plans", { name, csrf: ui.csrf });
    expect(created.status).toBe(303);
    const planPath = created.location!.split("?")[0]!;
    expect(planPath).toMatch(/^\/console\/tracking-plans\/tp_/);
    const page = await ui.get(created.location!);
    expect(page.html).toContain("Plan created.");
    expect(page.html).toContain("No rules yet");
    expect((await ui.get("/console/tracking-plans")).html).toContain(name);
    expect((await ui.post("/console/tracking-plans", { name: "no token" })).status).toBe(403);
  });

  it("a rule with invalid JSON Schema shows the error next to the textarea and keeps the text; a valid one is saved as the admin API would", async () => {
    const ui = await signInToConsole();
    const created = await ui.post("/console/tracking-plans", { name: unique("Rules plan"), csrf: ui.csrf });
    const planPath = created.location!.split("?")[0]!;
    const planId = planPath.split("/").pop()!;

    const typed = '{ "properties": { "properties": { "type": "object", } } <oops>';
    const invalid = await ui.post(`${planPath}/rules`, { type: "TRACK", key: "Order Completed", version: "1", jsonSchema: typed, csrf: ui.csrf });
    expect(invalid.status).toBe(400);
    expect(invalid.html).toMatch(/<p class="field-error" id="rule-json-schema-error" role="alert">This is not valid JSON/);
    expect(invalid.html).toContain("{ &quot;properties&quot;: { &quot;properties&quot;: { &quot;type&quot;: &quot;object&quot;, } } &lt;oops&gt;</textarea>");
    expect(invalid.html).toContain('value="Order Completed"');

    const unsafe = await ui.post(`${planPath}/rules`, {
      type: "TRACK",
      key: "Order Completed",
      version: "1",
      jsonSchema: JSON.stringify({ properties: { properties: { properties: { sku: { type: "string", pattern: "^(?!test)" } } } } }),
      csrf: ui.csrf,
    });
    expect(unsafe.status).toBe(400);
    expect(unsafe.html).toContain("the pattern &quot;^(?!test)&quot; uses a lookahead");

    const saved = await ui.post(`${planPath}/rules`, { type: "TRACK", key: "Order Completed", version: "1", jsonSchema: RULE_SCHEMA, csrf: ui.csrf });
    expect(saved.status).toBe(303);
    const plan = await admin<{ trackingPlan: { rules: unknown[] } }>("GET", `/tracking-plans/${planId}`);
    expect(plan.body.trackingPlan.rules).toEqual([{ type: "TRACK", key: "Order Completed", version: 1, jsonSchema: JSON.parse(RULE_SCHEMA) as object }]);
    const page = await ui.get(planPath);
    expect(page.html).toContain("Order Completed");
    expect(page.html).toContain("total");
  });

  it("connects a plan to a source, and the source's violations show", async () => {
    const ui = await signInToConsole();
    const source = await createSource(unique("Plan source"));
    const planId = (
      await admin<{ trackingPlan: { id: string } }>("POST", "/tracking-plans", {
        name: unique("Violations plan"),
        rules: [{ type: "TRACK", key: "Order Completed", version: 1, jsonSchema: JSON.parse(RULE_SCHEMA) as object }],
      })
    ).body.trackingPlan.id;
    const planPath = `/console/tracking-plans/${planId}`;
    const violationsPath = `${planPath}/violations/${source.id}`;
    expect((await ui.get(violationsPath)).html).toContain("No violations");

    const connected = await ui.post(`${planPath}/connect`, { sourceId: source.id, connect: "true", csrf: ui.csrf });
    expect(connected.status).toBe(303);
    expect((await ui.get(planPath)).html).toContain(`href="${violationsPath}"`);

    await sendBatch(source.writeKey, [{ type: "track", event: "Order Completed", userId: "u1", properties: { total: "12" } }]);
    const page = await waitUntil(
      "a violation on the violations page",
      () => ui.get(violationsPath),
      (answer) => answer.html.includes("Invalid Type"),
      { describe: (answer) => `${answer.status}` },
    );
    expect(page.html).toContain("properties.total");

    expect((await ui.post(`${planPath}/connect`, { sourceId: source.id, connect: "false", csrf: ui.csrf })).status).toBe(303);
    expect((await ui.get(planPath)).html).toContain("No source uses this plan");
  });
});
