import { Hono } from "hono";
import { PlanStore, type TrackingPlan } from "../../protocols/plan-store";
import { pageProtocolViolations } from "../../protocols/violation-store";
import { SourceStore } from "../../sources/source-store";
import { formFields, render, type SignedInContext, type SignedInEnv } from "../context";
import { NotFoundPage } from "../pages";
import { applyRuleDraft } from "./rule-draft";
import { parsePage } from "../ui";
import { draftOf, EMPTY_SCHEMA_TEXT, TrackingPlanPage, TrackingPlansPage, ViolationsPage, VIOLATIONS_PAGE_SIZE, type RuleDraft } from "./tracking-plan-pages";

const NEW_RULE: RuleDraft = { type: "TRACK", key: "", version: "1", jsonSchema: EMPTY_SCHEMA_TEXT };

const notFound = (c: SignedInContext) => render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);

async function listPage(c: SignedInContext, form?: { name: string; error?: string }) {
  const { session, csrfToken } = c.get("signedIn");
  const store = new PlanStore(c.env.DB);
  const plans = await Promise.all((await store.list()).map(async (plan) => ({ plan, sources: await store.sourcesUsing(plan.id) })));
  return render(c, <TrackingPlansPage subject={session.sub} csrfToken={csrfToken} plans={plans} form={form} />, form?.error ? 400 : 200);
}

async function planPage(c: SignedInContext, plan: TrackingPlan, draft: RuleDraft, editing: boolean, notice?: string) {
  const { session, csrfToken } = c.get("signedIn");
  const store = new PlanStore(c.env.DB);
  const [sources, connected] = await Promise.all([new SourceStore(c.env.DB).list(), store.sourcesUsing(plan.id)]);
  return render(
    c,
    <TrackingPlanPage
      subject={session.sub}
      csrfToken={csrfToken}
      plan={plan}
      sources={sources}
      connected={connected}
      draft={draft}
      editing={editing}
      notice={notice}
    />,
    draft.errors ? 400 : 200,
  );
}

const NOTICES: Record<string, string> = {
  created: "Plan created. Add its first rule below.",
  saved: "Rule saved.",
  deleted: "Rule deleted.",
  connected: "Source connected: its events are checked against this plan from now on.",
  disconnected: "Source disconnected.",
};

/** `/console/tracking-plans`: plans, their rules (validated as the admin API does), sources and violations. */
export const trackingPlansSection = new Hono<SignedInEnv>()
  .get("/tracking-plans", (c) => listPage(c))
  .post("/tracking-plans", async (c) => {
    const name = (await formFields(c)).name ?? "";
    const trimmed = name.trim();
    if (trimmed === "" || trimmed.length > 200) return listPage(c, { name, error: "Give the plan a name of 1 to 200 characters, then create it." });
    const plan = await new PlanStore(c.env.DB).create(trimmed, [], new Date());
    return c.redirect(`/console/tracking-plans/${encodeURIComponent(plan.id)}?done=created`, 303);
  })
  .get("/tracking-plans/:id", async (c) => {
    const plan = await new PlanStore(c.env.DB).get(c.req.param("id"));
    if (!plan) return notFound(c);
    const edit = Number(c.req.query("edit"));
    const editing = Number.isInteger(edit) ? plan.rules[edit] : undefined;
    const done = c.req.query("done");
    return planPage(c, plan, editing ? { ...draftOf(editing), replace: String(edit) } : NEW_RULE, editing !== undefined, done ? NOTICES[done] : undefined);
  })
  .post("/tracking-plans/:id/rules", async (c) => {
    const store = new PlanStore(c.env.DB);
    const plan = await store.get(c.req.param("id"));
    if (!plan) return notFound(c);
    const fields = await formFields(c);
    const draft: RuleDraft = {
      type: fields.type ?? "",
      key: fields.key ?? "",
      version: fields.version ?? "",
      jsonSchema: fields.jsonSchema ?? "",
      replace: fields.replace,
    };
    const replace = draft.replace === undefined || draft.replace === "" ? undefined : Number(draft.replace);
    const result = applyRuleDraft(plan.rules, draft, replace);
    if ("errors" in result) return planPage(c, plan, { ...draft, errors: result.errors }, replace !== undefined);
    await store.update(plan.id, { rules: result.rules }, new Date());
    return c.redirect(`/console/tracking-plans/${encodeURIComponent(plan.id)}?done=saved`, 303);
  })
  .post("/tracking-plans/:id/rules/delete", async (c) => {
    const store = new PlanStore(c.env.DB);
    const plan = await store.get(c.req.param("id"));
    if (!plan) return notFound(c);
    const index = Number((await formFields(c)).index);
    if (Number.isInteger(index) && plan.rules[index]) await store.update(plan.id, { rules: plan.rules.filter((_, i) => i !== index) }, new Date());
    return c.redirect(`/console/tracking-plans/${encodeURIComponent(plan.id)}?done=deleted`, 303);
  })
  .post("/tracking-plans/:id/connect", async (c) => {
    const store = new PlanStore(c.env.DB);
    const plan = await store.get(c.req.param("id"));
    if (!plan) return notFound(c);
    const fields = await formFields(c);
    const source = await new SourceStore(c.env.DB).get(fields.sourceId ?? "");
    if (!source) return notFound(c);
    const connect = fields.connect !== "false";
    // Disconnecting only ends this plan's connection, never another plan's.
    if (connect || (await store.sourceProtocols(source.id)).trackingPlanId === plan.id) await store.connect(source.id, connect ? plan.id : null, new Date());
    return c.redirect(`/console/tracking-plans/${encodeURIComponent(plan.id)}?done=${connect ? "connected" : "disconnected"}`, 303);
  })
  .get("/tracking-plans/:id/violations/:sourceId", async (c) => {
    const { session, csrfToken } = c.get("signedIn");
    const [plan, source] = await Promise.all([new PlanStore(c.env.DB).get(c.req.param("id")), new SourceStore(c.env.DB).get(c.req.param("sourceId"))]);
    if (!plan || !source) return notFound(c);
    const page = parsePage(c.req.query("page"));
    const { violations, total } = await pageProtocolViolations(c.env.DB, source.id, { offset: (page - 1) * VIOLATIONS_PAGE_SIZE, limit: VIOLATIONS_PAGE_SIZE });
    return render(
      c,
      <ViolationsPage subject={session.sub} csrfToken={csrfToken} plan={plan} source={source} violations={violations} page={page} total={total} />,
    );
  });
