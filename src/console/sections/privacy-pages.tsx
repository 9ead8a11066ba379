import type { FC } from "hono/jsx";
import { REGULATION_TYPES, type Regulation, type RegulationStatus, type StoreProgress } from "../../privacy/regulation";
import type { SubjectExport } from "../../privacy/subject-export-store";
import { formatCount } from "../charts";
import { Layout } from "../layout";
import { CsrfField, EmptyState, ListTable, Time } from "../ui";
import { REGULATION_TYPE_LABELS, type RegulationFormValues } from "./regulation-form";

/** Pure pages of the Privacy section: regulations (suppress, unsuppress, delete), their progress and receipts. */

export interface PrivacyPageProps {
  subject: string;
  csrfToken: string;
  regulations: readonly Regulation[];
  exports: readonly SubjectExport[];
  form: RegulationFormValues;
  error?: string | undefined;
  /** The subject export form's error, and what was typed into it. */
  exportError?: string | undefined;
  exportIds?: string | undefined;
}

/** While a regulation runs, its page reloads itself this often. */
export const REGULATION_REFRESH_SECONDS = 3;

const STATUS_TONE: Record<RegulationStatus, string> = { INITIALIZED: "warn", RUNNING: "warn", FINISHED: "ok", PARTIAL_SUCCESS: "warn", FAILED: "bad" };
const Status: FC<{ status: RegulationStatus }> = ({ status }) => <span class={`pill pill-${STATUS_TONE[status]}`}>{status}</span>;

const subjectsSummary = (ids: readonly string[]) =>
  ids.length <= 3 ? ids.join(", ") : `${ids.slice(0, 3).join(", ")} and ${formatCount(ids.length - 3)} more`;
const countsOf = (counts: Record<string, number> | undefined) =>
  Object.entries(counts ?? {})
    .map(([what, n]) => `${formatCount(n)} ${n === 1 ? what.replace(/s$/, "") : what}`)
    .join(", ");

/** The people a regulation or an export is about: userIds, one per line (ids may hold commas). */
const UserIdsField: FC<{ value: string; rows: number }> = ({ value, rows }) => (
  <label>
    userIds <span class="muted">(one per line, at most 5,000)</span>
    <textarea name="subjectIds" rows={rows} class="mono" required>
      {value}
    </textarea>
  </label>
);

export const PrivacyPage: FC<PrivacyPageProps> = ({ subject, csrfToken, regulations, exports, form, error, exportError, exportIds }) => (
  <Layout title="Privacy" current="privacy" subject={subject} csrfToken={csrfToken}>
    <p class="lead">
      Forget a person, or stop collecting their data: a regulation covers every identifier their profile holds (the anonymous ids from before they signed in,
      emails, devices), in every source.
    </p>
    <section class="panel" aria-labelledby="new-regulation">
      <h2 id="new-regulation">New regulation</h2>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action="/console/privacy/regulations" class="stack">
        <CsrfField token={csrfToken} />
        <label>
          What to do
          <select name="regulationType">
            {REGULATION_TYPES.map((type) => (
              <option value={type} selected={form.regulationType === type}>
                {REGULATION_TYPE_LABELS[type]}
              </option>
            ))}
          </select>
        </label>
        <UserIdsField value={form.subjectIds} rows={4} />
        <div>
          <button type="submit">Create regulation</button>
        </div>
      </form>
    </section>

    <section aria-labelledby="regulations">
      <h2 id="regulations">Regulations</h2>
      {regulations.length === 0 ? (
        <EmptyState title="No regulations yet.">
          <p>When someone asks to be forgotten or to stop being tracked, create one above (or with POST /api/v1/regulations); its receipt shows here.</p>
        </EmptyState>
      ) : (
        <ListTable label="Regulations" columns={["Created", "Type", "userIds", "Status"]}>
          {regulations.map((regulation) => (
            <tr>
              <td>
                <a href={`/console/privacy/regulations/${encodeURIComponent(regulation.id)}`}>
                  <Time iso={regulation.createdAt} />
                </a>
              </td>
              <td>
                <code>{regulation.regulationType}</code>
              </td>
              <td>{subjectsSummary(regulation.subjectIds)}</td>
              <td>
                <Status status={regulation.status} />
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>

    <section class="panel" aria-labelledby="new-export">
      <h2 id="new-export">Subject access export</h2>
      <p class="muted">
        Everything held about a person (GDPR art. 15, CCPA right to know): their archived events from every source, before and after they signed in, and their
        profile.
      </p>
      {exportError ? (
        <p class="error" role="alert">
          {exportError}
        </p>
      ) : null}
      <form method="post" action="/console/privacy/exports" class="stack">
        <CsrfField token={csrfToken} />
        <UserIdsField value={exportIds ?? ""} rows={2} />
        <div>
          <button type="submit">Start export</button>
        </div>
      </form>
    </section>

    <section aria-labelledby="exports">
      <h2 id="exports">Exports</h2>
      {exports.length === 0 ? (
        <EmptyState title="No subject exports yet.">
          <p>Start one above (or with POST /api/v1/subject-exports) when someone asks what is held about them.</p>
        </EmptyState>
      ) : (
        <ListTable label="Subject exports" columns={["Created", "userIds", "Status", "Found", "Download"]}>
          {exports.map((item) => (
            <tr>
              <td>
                <Time iso={item.createdAt} />
              </td>
              <td>{subjectsSummary(item.subjectIds)}</td>
              <td>
                <span class={`pill pill-${item.status === "FINISHED" ? "ok" : item.status === "FAILED" ? "bad" : "warn"}`}>{item.status}</span>
              </td>
              <td>{`${formatCount(item.progress.events)} events, ${formatCount(item.progress.profiles)} profiles`}</td>
              <td>
                {item.status === "FINISHED" ? (
                  <a href={`/console/privacy/exports/${encodeURIComponent(item.id)}/download`} download>
                    NDJSON
                  </a>
                ) : (
                  <span class="muted">when finished</span>
                )}
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  </Layout>
);

/** One row per store (or destination): its status, what it removed and added, its error. */
const ProgressTable: FC<{ label: string; what: string; entries: [string, StoreProgress][]; names?: Record<string, string> }> = ({
  label,
  what,
  entries,
  names = {},
}) => (
  <ListTable label={label} columns={[what, "Status", "Removed", "Added", "Error"]}>
    {entries.map(([id, progress]) => (
      <tr>
        <th scope="row">{names[id] ?? id}</th>
        <td>{progress.status}</td>
        <td>{countsOf(progress.removed) || "—"}</td>
        <td>{countsOf(progress.added) || "—"}</td>
        <td>{progress.error ?? ""}</td>
      </tr>
    ))}
  </ListTable>
);

export interface RegulationPageProps {
  subject: string;
  csrfToken: string;
  regulation: Regulation;
  destinationNames: Record<string, string>;
}

export const RegulationPage: FC<RegulationPageProps> = ({ subject, csrfToken, regulation, destinationNames }) => {
  const running = regulation.status === "INITIALIZED" || regulation.status === "RUNNING";
  const stores = Object.entries(regulation.progress.stores);
  const destinations = Object.entries(regulation.progress.destinations);
  const verification = regulation.progress.verification;
  const warehouse = regulation.progress.warehouse;
  return (
    <Layout title={`Regulation ${regulation.id}`} current="privacy" subject={subject} csrfToken={csrfToken}>
      {running ? <meta http-equiv="refresh" content={String(REGULATION_REFRESH_SECONDS)} /> : null}
      <p>
        <a href="/console/privacy">Privacy</a> / <code>{regulation.id}</code> <Status status={regulation.status} />
      </p>
      <dl class="facts">
        <dt>Type</dt>
        <dd>
          <code>{regulation.regulationType}</code>
        </dd>
        <dt>Created</dt>
        <dd>
          <Time iso={regulation.createdAt} />
        </dd>
        <dt>Last change</dt>
        <dd>
          <Time iso={regulation.updatedAt} />
        </dd>
        <dt>userIds</dt>
        <dd>{subjectsSummary(regulation.subjectIds)}</dd>
        <dt>Identifiers covered</dt>
        <dd>{formatCount(regulation.covered.length)}</dd>
        {warehouse ? (
          <>
            <dt>Warehouse syncs</dt>
            <dd>
              Asked of every source at <Time iso={warehouse.requestedAt} />
              {warehouse.error ? `; not started: ${warehouse.error}` : ""} (<a href="/console/warehouse">Warehouse</a>)
            </dd>
          </>
        ) : null}
      </dl>
      {regulation.error ? (
        <p class="error" role="alert">
          {regulation.error}
        </p>
      ) : null}
      {running ? (
        <p class="note" role="status">
          Running: this page reloads every {REGULATION_REFRESH_SECONDS} seconds.
        </p>
      ) : null}

      <section aria-labelledby="stores">
        <h2 id="stores">Progress per store</h2>
        {stores.length === 0 ? <p class="muted">Nothing has run yet.</p> : <ProgressTable label="Progress per store" what="Store" entries={stores} />}
      </section>

      {destinations.length > 0 ? (
        <section aria-labelledby="destinations">
          <h2 id="destinations">Deletion forwarded to destinations</h2>
          <ProgressTable label="Deletion forwarded to destinations" what="Destination" entries={destinations} names={destinationNames} />
        </section>
      ) : null}

      {verification ? (
        <section class="panel" aria-labelledby="receipt">
          <h2 id="receipt">Receipt</h2>
          <p class={verification.occurrences === 0 && verification.profilesStillFound === 0 ? "notice" : "error"}>
            {verification.occurrences === 0 && verification.profilesStillFound === 0
              ? `Verified: ${formatCount(verification.objectsChecked)} archive objects and ${formatCount(verification.eventsChecked)} events re-read, no occurrence of any covered identifier, and no identifier resolves to a profile.`
              : `Not clean: ${formatCount(verification.occurrences)} occurrence(s) of covered identifiers remain and ${formatCount(verification.profilesStillFound)} identifier(s) still resolve to a profile.`}
          </p>
          <p class="muted">
            Checked at <Time iso={verification.at} />.
          </p>
        </section>
      ) : null}
    </Layout>
  );
};
