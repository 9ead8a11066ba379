import type { FC } from "hono/jsx";
import type { ProfileLink, ProfileMetadata, RecordedEvent, StoredIdentifier } from "../../identity/profile-record";
import type { TraitEntry } from "../../identity/traits";
import { Layout, ScrollRegion } from "../layout";
import { EmptyState, FieldError, Time } from "../ui";
import { formatCount } from "../charts";

/** The Profiles section: a lookup form, and the profile it finds. Pure. */

export interface ProfileQuery {
  collection: "users" | "accounts";
  type: string;
  value: string;
}

export interface FoundProfile {
  segmentId: string;
  identifiers: StoredIdentifier[];
  /** Traits as stored, removed ones already left out. */
  traits: Record<string, TraitEntry>;
  links: ProfileLink[];
  metadata: ProfileMetadata | null;
  /** How many profiles this one absorbed, directly or through them. */
  mergeCount: number;
  /** The page of recent events shown, newest first, and whether older ones follow. */
  events: RecordedEvent[];
  eventsOffset: number;
  moreEvents: boolean;
}

export type ProfileLookup = { state: "form" } | { state: "invalid"; error: string } | { state: "not-found" } | { state: "found"; profile: FoundProfile };

export const EVENTS_PAGE_SIZE = 20;

const IDENTIFIER_TYPES = ["user_id", "anonymous_id", "email", "phone", "group_id", "segment_id"];

export const ProfilesPage: FC<{ subject: string; csrfToken: string; query: ProfileQuery; lookup: ProfileLookup }> = ({ subject, csrfToken, query, lookup }) => (
  <Layout title="Profiles" current="profiles" subject={subject} csrfToken={csrfToken}>
    <form method="get" action="/console/profiles" class="panel lookup" role="search">
      <div class="stack">
        <label for="profile-collection">Collection</label>
        <select id="profile-collection" name="collection">
          <option value="users" selected={query.collection === "users"}>
            users
          </option>
          <option value="accounts" selected={query.collection === "accounts"}>
            accounts
          </option>
        </select>
      </div>
      <div class="stack">
        <label for="profile-type">Identifier type</label>
        <input id="profile-type" name="type" value={query.type} list="identifier-types" spellcheck={false} autocomplete="off" />
        <datalist id="identifier-types">
          {IDENTIFIER_TYPES.map((type) => (
            <option value={type} />
          ))}
        </datalist>
      </div>
      <div class="stack grow">
        <label for="profile-value">Value</label>
        <input
          id="profile-value"
          name="value"
          value={query.value}
          spellcheck={false}
          placeholder="user_123, jane@example.com, use_…"
          aria-invalid={lookup.state === "invalid" ? "true" : undefined}
          aria-describedby={lookup.state === "invalid" ? "profile-lookup-error" : undefined}
        />
      </div>
      <div class="stack end">
        <button type="submit">Look up</button>
      </div>
    </form>
    {lookup.state === "invalid" ? <FieldError id="profile-lookup-error" message={lookup.error} /> : null}
    {lookup.state === "form" ? (
      <EmptyState title="Look up a profile">
        <p>
          Enter any identifier a profile holds: a <code>user_id</code>, an <code>anonymous_id</code>, an <code>email</code> from its traits, or its{" "}
          <code>segment_id</code> (<code>use_…</code>). Profiles come from the events sources send; an identify call makes one.
        </p>
      </EmptyState>
    ) : null}
    {lookup.state === "not-found" ? (
      <EmptyState title="No profile found">
        <p>
          {`No ${query.collection === "users" ? "user" : "account"} profile holds ${query.type} ${JSON.stringify(query.value)}. Values are case-sensitive; an event reaches its profile within seconds of being sent, so check the type and value, or send an identify call with it.`}
        </p>
      </EmptyState>
    ) : null}
    {lookup.state === "found" ? <ProfileDetails profile={lookup.profile} query={query} /> : null}
  </Layout>
);

const ProfileDetails: FC<{ profile: FoundProfile; query: ProfileQuery }> = ({ profile, query }) => {
  const traitNames = Object.keys(profile.traits).sort();
  const here = `/console/profiles?collection=${query.collection}&type=${encodeURIComponent(query.type)}&value=${encodeURIComponent(query.value)}`;
  return (
    <div class="profile">
      <section class="panel">
        <h2>Profile</h2>
        <dl class="facts">
          <dt>segment_id</dt>
          <dd>
            <code>{profile.segmentId}</code>
          </dd>
          <dt>Created</dt>
          <dd>
            <Time iso={profile.metadata?.created_at} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time iso={profile.metadata?.updated_at} />
          </dd>
          <dt>First source</dt>
          <dd>{profile.metadata?.first_source_id ? <code>{profile.metadata.first_source_id}</code> : "—"}</dd>
          <dt>Last source</dt>
          <dd>{profile.metadata?.last_source_id ? <code>{profile.metadata.last_source_id}</code> : "—"}</dd>
          <dt>Merges</dt>
          <dd>
            {profile.mergeCount === 0
              ? "None: no other profile was merged into this one."
              : `Absorbed ${formatCount(profile.mergeCount)} other profile${profile.mergeCount === 1 ? "" : "s"}.`}
          </dd>
        </dl>
      </section>

      <section>
        <h2>Identities</h2>
        {profile.identifiers.length === 0 ? (
          <EmptyState title="No identities">
            <p>This profile holds no identifiers yet; the next event naming one adds it.</p>
          </EmptyState>
        ) : (
          <ScrollRegion label="Identities">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                  <th scope="col">Source</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {profile.identifiers.map((identifier) => (
                  <tr>
                    <td>{identifier.type}</td>
                    <th scope="row">
                      <code>{identifier.value}</code>
                    </th>
                    <td>{identifier.sourceId ? <code>{identifier.sourceId}</code> : "—"}</td>
                    <td>
                      <Time iso={identifier.addedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>

      <section>
        <h2>Traits</h2>
        {traitNames.length === 0 ? (
          <EmptyState title="No traits">
            <p>
              Traits come from identify calls (<code>traits</code>) for users and group calls for accounts.
            </p>
          </EmptyState>
        ) : (
          <ScrollRegion label="Traits">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Trait</th>
                  <th scope="col">Value</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {traitNames.map((name) => (
                  <tr>
                    <th scope="row">
                      <code>{name}</code>
                    </th>
                    <td class="value">{showValue(profile.traits[name]!.value)}</td>
                    <td>
                      <Time iso={profile.traits[name]!.updated_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>

      {profile.links.length > 0 ? (
        <section>
          <h2>Linked {query.collection === "users" ? "accounts" : "users"}</h2>
          <ul class="plain-list">
            {profile.links.map((link) => (
              <li>
                <code>{link.profileId}</code> {link.identifiers.map((identifier) => `${identifier.type}: ${identifier.value}`).join(", ")}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section>
        <h2>Recent events</h2>
        {profile.events.length === 0 ? (
          <EmptyState title={profile.eventsOffset === 0 ? "No recent events" : "No older events"}>
            <p>
              {profile.eventsOffset === 0 ? (
                "Profiles keep the last 14 days of events; none arrived in that time."
              ) : (
                <a href={here}>Back to the newest events</a>
              )}
            </p>
          </EmptyState>
        ) : (
          <>
            <ScrollRegion label="Recent events">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Type</th>
                    <th scope="col">Event</th>
                    <th scope="col">Source</th>
                  </tr>
                </thead>
                <tbody>
                  {profile.events.map((event) => (
                    <tr>
                      <td>
                        <Time iso={event.timestamp} />
                      </td>
                      <td>{event.type}</td>
                      <th scope="row">{event.name ?? "—"}</th>
                      <td>
                        <code>{event.sourceId}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            <nav class="pager" aria-label="Pages of events">
              <span>{`Events ${formatCount(profile.eventsOffset + 1)}–${formatCount(profile.eventsOffset + profile.events.length)}, newest first`}</span>
              {profile.eventsOffset > 0 ? (
                <a href={`${here}&events=${Math.max(0, profile.eventsOffset - EVENTS_PAGE_SIZE)}`} rel="prev">
                  ← Newer
                </a>
              ) : null}
              {profile.moreEvents ? (
                <a href={`${here}&events=${profile.eventsOffset + EVENTS_PAGE_SIZE}`} rel="next">
                  Older →
                </a>
              ) : null}
            </nav>
          </>
        )}
      </section>
    </div>
  );
};

/** A trait's value as text: strings as they are, anything else as JSON. */
function showValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
