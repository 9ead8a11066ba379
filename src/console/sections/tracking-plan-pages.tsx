import type { FC } from "hono/jsx";
import type { TrackingPlan } from "../../protocols/plan-store";
import { RULE_TYPES, type PlanRule } from "../../protocols/tracking-plan";
import type { ViolationSummary } from "../../protocols/violation-store";
import type { Source } from "../../sources/source";
import { Layout, ScrollRegion } from "../layout";
import { CsrfField, EmptyState, FieldError, Pager, Time } from "../ui";
import { formatCount } from "../charts";

/** The Tracking plans section: the list with a create form, a plan with its rule editor, violations. */

interface Chrome {
  subject: string;
  csrfToken: string;
}

export interface PlanSummary {
  plan: TrackingPlan;
  sources: string[];
}

export const TrackingPlansPage: FC<Chrome & { plans: PlanSummary[]; form?: { name: string; error?: string } }> = ({ subject, csrfToken, plans, form }) => (
  <Layout title="Tracking plans" current="tracking-plans" subject={subject} csrfToken={csrfToken}>
    <p class="lead">A tracking plan lists the events a source should send and the JSON Schema each must match. Connect it to a source to see violations.</p>
    {plans.length === 0 ? (
      <EmptyState title="No tracking plans yet">
        <p>Name your first plan below, then add a rule for each event you expect.</p>
      </EmptyState>
    ) : (
      <ScrollRegion label="Tracking plans">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col" class="num">
                Rules
              </th>
              <th scope="col">Sources</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {plans.map(({ plan, sources }) => (
              <tr>
                <th scope="row">
                  <a href={`/console/tracking-plans/${encodeURIComponent(plan.id)}`}>{plan.name}</a>
                </th>
                <td class="num">{formatCount(plan.rules.length)}</td>
                <td>{sources.length === 0 ? <span class="muted">none</span> : formatCount(sources.length)}</td>
                <td>
                  <Time iso={plan.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    )}
    <form method="post" action="/console/tracking-plans" class="panel stack">
      <CsrfField token={csrfToken} />
      <h2>New tracking plan</h2>
      <label for="plan-name">Name</label>
      <input
        id="plan-name"
        name="name"
        value={form?.name ?? ""}
        maxlength={200}
        aria-invalid={form?.error ? "true" : undefined}
        aria-describedby={form?.error ? "plan-name-error" : undefined}
      />
      <FieldError id="plan-name-error" message={form?.error} />
      <div>
        <button type="submit">Create plan</button>
      </div>
    </form>
  </Layout>
);

/** What the rule editor shows: the fields as typed, and what was wrong with each. */
export interface RuleDraft {
  type: string;
  key: string;
  version: string;
  jsonSchema: string;
  /** The index of the rule being edited, carried by the form so saving replaces it. */
  replace?: string | undefined;
  errors?: Partial<Record<"type" | "key" | "version" | "jsonSchema" | "form", string>>;
}

export const EMPTY_SCHEMA_TEXT = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "properties": {
      "type": "object",
      "properties": {},
      "required": []
    }
  }
}`;

export function draftOf(rule: PlanRule): RuleDraft {
  return { type: rule.type, key: rule.key ?? "", version: String(rule.version), jsonSchema: JSON.stringify(rule.jsonSchema, null, 2) };
}

export interface TrackingPlanPageProps extends Chrome {
  plan: TrackingPlan;
  /** Every source, for the connect form; `connected` are the ids using this plan. */
  sources: Source[];
  connected: string[];
  draft: RuleDraft;
  /** Whether the editor holds an existing rule (its type, key and version are replaced on save). */
  editing: boolean;
  notice?: string | undefined;
}

const ruleLabel = (rule: { type: string; key: string | null }) => (rule.key ? rule.key : rule.type === "PAGE" || rule.type === "SCREEN" ? "(every one)" : "—");

export const TrackingPlanPage: FC<TrackingPlanPageProps> = ({ subject, csrfToken, plan, sources, connected, draft, editing, notice }) => {
  const base = `/console/tracking-plans/${encodeURIComponent(plan.id)}`;
  const connectedSources = sources.filter((source) => connected.includes(source.id));
  const errors = draft.errors ?? {};
  return (
    <Layout title={`Tracking plan · ${plan.name}`} current="tracking-plans" subject={subject} csrfToken={csrfToken}>
      <p>
        <a href="/console/tracking-plans">← All tracking plans</a> · <code>{plan.id}</code>
      </p>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <h2>Rules</h2>
      {plan.rules.length === 0 ? (
        <EmptyState title="No rules yet">
          <p>Add a rule below: a TRACK rule names an event and describes its properties in JSON Schema.</p>
        </EmptyState>
      ) : (
        <ScrollRegion label="Rules">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Key</th>
                <th scope="col" class="num">
                  Version
                </th>
                <th scope="col">Planned fields</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {plan.rules.map((rule, index) => (
                <tr>
                  <td>{rule.type}</td>
                  <th scope="row">{ruleLabel(rule)}</th>
                  <td class="num">{rule.version}</td>
                  <td class="wrap">{plannedFields(rule)}</td>
                  <td class="actions">
                    <a href={`${base}?edit=${index}#rule-editor`}>Edit</a>
                    <form method="post" action={`${base}/rules/delete`} class="inline">
                      <CsrfField token={csrfToken} />
                      <input type="hidden" name="index" value={String(index)} />
                      <button type="submit" class="small-button secondary" aria-label={`Delete ${rule.type} ${ruleLabel(rule)} version ${rule.version}`}>
                        Delete
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}

      <form method="post" action={`${base}/rules`} class="panel stack" id="rule-editor">
        <CsrfField token={csrfToken} />
        {draft.replace !== undefined ? <input type="hidden" name="replace" value={draft.replace} /> : null}
        <h2>{editing ? "Edit rule" : "Add a rule"}</h2>
        <p class="hint">Saving a rule with the type, key and version of an existing one replaces it.</p>
        {errors.form ? (
          <p class="error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div class="row">
          <div class="stack">
            <label for="rule-type">Type</label>
            <select id="rule-type" name="type" aria-invalid={errors.type ? "true" : undefined}>
              {RULE_TYPES.map((type) => (
                <option value={type} selected={draft.type === type}>
                  {type}
                </option>
              ))}
            </select>
            <FieldError id="rule-type-error" message={errors.type} />
          </div>
          <div class="stack grow">
            <label for="rule-key">Key</label>
            <input
              id="rule-key"
              name="key"
              value={draft.key}
              maxlength={200}
              placeholder="Order Completed"
              aria-invalid={errors.key ? "true" : undefined}
              aria-describedby="rule-key-hint"
            />
            <p class="hint" id="rule-key-hint">
              The track event's name (required for TRACK), or a page or screen name; empty for the other types.
            </p>
            <FieldError id="rule-key-error" message={errors.key} />
          </div>
          <div class="stack">
            <label for="rule-version">Version</label>
            <input id="rule-version" name="version" value={draft.version} inputmode="numeric" size={4} aria-invalid={errors.version ? "true" : undefined} />
            <FieldError id="rule-version-error" message={errors.version} />
          </div>
        </div>
        <label for="rule-json-schema">JSON Schema (draft-07, describing the whole event)</label>
        <textarea
          id="rule-json-schema"
          name="jsonSchema"
          rows={16}
          spellcheck={false}
          class="code"
          aria-invalid={errors.jsonSchema ? "true" : undefined}
          aria-describedby={errors.jsonSchema ? "rule-json-schema-error" : undefined}
        >
          {draft.jsonSchema}
        </textarea>
        <FieldError id="rule-json-schema-error" message={errors.jsonSchema} />
        <div>
          <button type="submit">{editing ? "Save rule" : "Add rule"}</button> {editing ? <a href={base}>Cancel</a> : null}
        </div>
      </form>

      <h2>Sources</h2>
      {connectedSources.length === 0 ? (
        <EmptyState title="No source uses this plan">
          <p>Connect a source below: its events are then checked against these rules, and violations show here.</p>
        </EmptyState>
      ) : (
        <ul class="plain-list">
          {connectedSources.map((source) => (
            <li>
              {source.name} <code>{source.id}</code> · <a href={`${base}/violations/${encodeURIComponent(source.id)}`}>Violations</a>
              <form method="post" action={`${base}/connect`} class="inline">
                <CsrfField token={csrfToken} />
                <input type="hidden" name="sourceId" value={source.id} />
                <input type="hidden" name="connect" value="false" />{" "}
                <button type="submit" class="small-button secondary">
                  Disconnect
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {sources.length === 0 ? (
        <p class="hint">
          There are no sources to connect yet: create one with <code>POST /api/v1/sources</code>.
        </p>
      ) : (
        <form method="post" action={`${base}/connect`} class="row">
          <CsrfField token={csrfToken} />
          <input type="hidden" name="connect" value="true" />
          <label for="connect-source" class="visually-hidden">
            Source
          </label>
          <select id="connect-source" name="sourceId">
            {sources
              .filter((source) => !connected.includes(source.id))
              .map((source) => (
                <option value={source.id}>{source.name}</option>
              ))}
          </select>
          <button type="submit">Connect source</button>
        </form>
      )}
      <p class="hint">A source uses one plan at a time: connecting it here disconnects it from its previous plan.</p>
    </Layout>
  );
};

function plannedFields(rule: PlanRule): string {
  const section = rule.type === "IDENTIFY" || rule.type === "GROUP" ? "traits" : "properties";
  const schema = rule.jsonSchema.properties as Record<string, { properties?: Record<string, unknown> }> | undefined;
  const names = Object.keys(schema?.[section]?.properties ?? {});
  return names.length === 0 ? "—" : names.join(", ");
}

export const VIOLATIONS_PAGE_SIZE = 50;

export const ViolationsPage: FC<Chrome & { plan: TrackingPlan; source: Source; violations: ViolationSummary[]; page: number; total: number }> = ({
  subject,
  csrfToken,
  plan,
  source,
  violations,
  page,
  total,
}) => {
  const base = `/console/tracking-plans/${encodeURIComponent(plan.id)}/violations/${encodeURIComponent(source.id)}`;
  return (
    <Layout title={`Violations · ${source.name}`} current="tracking-plans" subject={subject} csrfToken={csrfToken}>
      <p>
        <a href={`/console/tracking-plans/${encodeURIComponent(plan.id)}`}>{`← ${plan.name}`}</a>
      </p>
      <p class="lead">Events of this source that did not match its tracking plan, counted per event, field and kind, most recent first.</p>
      {violations.length === 0 ? (
        <EmptyState title={total === 0 ? "No violations" : "No violations on this page"}>
          <p>
            {total === 0 ? (
              "Every event checked so far matches the plan. Violations of newly sent events show here within seconds."
            ) : (
              <a href={`${base}?page=1`}>Go to the first page</a>
            )}
          </p>
        </EmptyState>
      ) : (
        <>
          <ScrollRegion label="Violations">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Violation</th>
                  <th scope="col">Field</th>
                  <th scope="col">Description</th>
                  <th scope="col" class="num">
                    Count
                  </th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {violations.map((violation) => (
                  <tr>
                    <th scope="row">{violation.eventName || `(${violation.eventType})`}</th>
                    <td>{violation.type}</td>
                    <td>
                      <code>{violation.field}</code>
                    </td>
                    <td class="wrap">{violation.description}</td>
                    <td class="num">{formatCount(violation.count)}</td>
                    <td>
                      <Time iso={violation.lastSeen} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <Pager page={page} pageSize={VIOLATIONS_PAGE_SIZE} total={total} href={(n) => `${base}?page=${n}`} noun="violations" />
        </>
      )}
    </Layout>
  );
};
