import { describe, expect, it } from "vitest";
import type { TrackingPlan } from "../../protocols/plan-store";
import type { PlanRule } from "../../protocols/tracking-plan";
import { applyRuleDraft } from "./rule-draft";
import { EMPTY_SCHEMA_TEXT, TrackingPlanPage, TrackingPlansPage, ViolationsPage } from "./tracking-plan-pages";

const hostile = `<script>alert(1)</script>"'`;
const render = async (page: unknown) => String(await page);
const chrome = { subject: "admin", csrfToken: "tok" };
const rule: PlanRule = {
  type: "TRACK",
  key: "Order Completed",
  version: 1,
  jsonSchema: { properties: { properties: { properties: { total: { type: "number" } } } } },
};
const plan: TrackingPlan = { id: "tp_1", name: hostile, rules: [rule], createdAt: "2026-11-30T00:00:00Z", updatedAt: "2026-11-30T00:00:00Z" };
const draft = { type: "TRACK", key: "Signed Up", version: "1", jsonSchema: EMPTY_SCHEMA_TEXT };

describe("tracking plan pages", () => {
  it("the list: plans escaped, an empty state, the create form keeps the name and shows its error", async () => {
    const html = await render(TrackingPlansPage({ ...chrome, plans: [{ plan, sources: [] }] }));
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script");
    const empty = await render(TrackingPlansPage({ ...chrome, plans: [], form: { name: hostile, error: "Give the plan a name" } }));
    expect(empty).toContain("No tracking plans yet");
    expect(empty).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"');
    expect(empty).toContain('role="alert">Give the plan a name');
  });

  it("a plan: its rules, the editor with the text as typed and its error next to it", async () => {
    const typed = `{"type": "object", </textarea><script>`;
    const html = await render(
      TrackingPlanPage({
        ...chrome,
        plan,
        sources: [],
        connected: [],
        draft: { ...draft, jsonSchema: typed, errors: { jsonSchema: "This is not valid JSON" } },
        editing: false,
      }),
    );
    expect(html).toContain("Order Completed");
    expect(html).toContain("total");
    expect(html).toContain("{&quot;type&quot;: &quot;object&quot;, &lt;/textarea&gt;&lt;script&gt;</textarea>");
    expect(html).toMatch(/<textarea[^>]*aria-invalid="true"[^>]*aria-describedby="rule-json-schema-error"/);
    expect(html).toContain('<p class="field-error" id="rule-json-schema-error" role="alert">This is not valid JSON</p>');
    expect(html).toContain("No source uses this plan");
    expect(html).not.toContain("<script");
  });

  it("a plan without rules says what to do", async () => {
    const html = await render(TrackingPlanPage({ ...chrome, plan: { ...plan, rules: [] }, sources: [], connected: [], draft, editing: false }));
    expect(html).toContain("No rules yet");
  });

  it("violations: an empty state, and pages", async () => {
    const source = { id: "src_1", name: "Web", writeKey: "wk", enabled: true };
    expect(await render(ViolationsPage({ ...chrome, plan, source, violations: [], page: 1, total: 0 }))).toContain("No violations");
    const violation = {
      eventName: "Order Completed",
      eventType: "track",
      type: "Invalid Type",
      field: "properties.total",
      description: "Invalid type",
      count: 3,
      lastSeen: "2026-11-30T00:00:00Z",
    };
    const html = await render(ViolationsPage({ ...chrome, plan, source, violations: [violation], page: 2, total: 120 }));
    expect(html).toContain("51–100 of 120 violations");
    expect(html).toContain("properties.total");
  });
});

describe("applyRuleDraft", () => {
  it("adds a valid rule, and replaces one with the same type, key and version", () => {
    const added = applyRuleDraft([rule], draft);
    expect("rules" in added && added.rules.map((r) => r.key)).toEqual(["Order Completed", "Signed Up"]);
    const replaced = applyRuleDraft([rule], { ...draft, key: "Order Completed", jsonSchema: "{}" });
    expect("rules" in replaced && replaced.rules).toEqual([{ type: "TRACK", key: "Order Completed", version: 1, jsonSchema: {} }]);
  });

  it("an edited rule replaces the one at its index", () => {
    const result = applyRuleDraft([rule], { ...draft, key: "Order Placed" }, 0);
    expect("rules" in result && result.rules.map((r) => r.key)).toEqual(["Order Placed"]);
  });

  it("says what is wrong with which field", () => {
    expect(applyRuleDraft([], { ...draft, jsonSchema: "{ nope" })).toMatchObject({
      errors: { jsonSchema: expect.stringContaining("not valid JSON") as string },
    });
    expect(applyRuleDraft([], { ...draft, jsonSchema: "[]" })).toMatchObject({ errors: { jsonSchema: "The JSON Schema must be a JSON Schema object." } });
    expect(applyRuleDraft([], { ...draft, key: "" })).toMatchObject({ errors: { key: "Key must name the track event the rule plans." } });
    expect(applyRuleDraft([], { ...draft, version: "two" })).toMatchObject({ errors: { version: expect.stringContaining("whole number") as string } });
    expect(applyRuleDraft([], { ...draft, version: "0" })).toMatchObject({ errors: { version: "Version must be 1 or more." } });
    expect(applyRuleDraft([], { ...draft, type: "PAGEVIEW" })).toMatchObject({ errors: { type: expect.stringContaining("must be one of TRACK") as string } });
    const unsafe = applyRuleDraft([], {
      ...draft,
      jsonSchema: JSON.stringify({ properties: { properties: { properties: { sku: { type: "string", pattern: "^(?!test)" } } } } }),
    });
    expect(unsafe).toMatchObject({ errors: { jsonSchema: expect.stringContaining('the pattern "^(?!test)" uses a lookahead') as string } });
    // Thousands of levels overflowed the walk for patterns (a 500): now said like any other problem.
    const deep = applyRuleDraft([], { ...draft, jsonSchema: `${'{"properties":'.repeat(5_000)}{}${"}".repeat(5_000)}` });
    expect(deep).toMatchObject({ errors: { jsonSchema: expect.stringContaining("more than 100 levels deep") as string } });
  });
});
