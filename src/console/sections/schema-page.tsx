import type { FC } from "hono/jsx";
import type { SchemaBlocks } from "../../protocols/schema-blocks";
import type { SchemaPage } from "../../schema/read-page";
import type { Source } from "../../sources/source";
import { Layout, ScrollRegion } from "../layout";
import { CsrfField, EmptyState, Pager, Time } from "../ui";
import { formatCount } from "../charts";

/** The Schema section: which sources to look at, then one source's events, a page at a time. */

interface Chrome {
  subject: string;
  csrfToken: string;
}

export const SCHEMA_PAGE_SIZE = 50;

export const SchemaSourcesPage: FC<Chrome & { sources: Source[] }> = ({ subject, csrfToken, sources }) => (
  <Layout title="Schema" current="schema" subject={subject} csrfToken={csrfToken}>
    <p class="lead">What each source sends: its events and their properties, with types, counts and when they were last seen.</p>
    {sources.length === 0 ? (
      <EmptyState title="No sources yet">
        <p>
          Create a source with <code>POST /api/v1/sources</code> and a <code>name</code>, send it an event with its write key, and its schema appears here.
        </p>
      </EmptyState>
    ) : (
      <ul class="plain-list">
        {sources.map((source) => (
          <li>
            <a href={`/console/schema/${encodeURIComponent(source.id)}`}>{source.name}</a> <code>{source.id}</code>
            {source.enabled ? null : <span class="tag">disabled</span>}
          </li>
        ))}
      </ul>
    )}
  </Layout>
);

export interface SourceSchemaPageProps extends Chrome {
  source: Source;
  schema: SchemaPage;
  blocks: SchemaBlocks;
  /** The expanded event (`?event=<type>:<name>`), whose properties `schema.properties` holds. */
  expanded?: { type: string; name: string } | undefined;
}

/** How the schema names an event: its name, or its type for identify and group (which have none). */
const eventLabel = (event: { type: string; name: string }) => event.name || `(${event.type})`;
const eventParam = (event: { type: string; name: string }) => `${event.type}:${event.name}`;

export const SourceSchemaPage: FC<SourceSchemaPageProps> = ({ subject, csrfToken, source, schema, blocks, expanded }) => {
  const page = Math.floor(schema.offset / schema.limit) + 1;
  const base = `/console/schema/${encodeURIComponent(source.id)}`;
  const pageHref = (n: number) => `${base}?page=${n}`;
  const isBlocked = (event: { type: string; name: string }) => blocks.events.some((entry) => entry.type === event.type && entry.name === event.name);
  const isExpanded = (event: { type: string; name: string }) => expanded?.type === event.type && expanded.name === event.name;
  return (
    <Layout title={`Schema · ${source.name}`} current="schema" subject={subject} csrfToken={csrfToken}>
      <p class="lead">
        Events this source sent, most recently seen first. Select an event to see its properties. A blocked event is dropped at the edge of the pipeline: not
        archived, not delivered, only counted.
      </p>
      <p>
        <a href="/console/schema">← All sources</a>
      </p>
      {schema.events.length === 0 ? (
        <EmptyState title={schema.total === 0 ? "No events seen yet" : "No events on this page"}>
          {schema.total === 0 ? (
            <p>
              Send an event with this source's write key <code>{source.writeKey}</code> (for example <code>POST /v1/track</code>): it appears here within
              seconds.
            </p>
          ) : (
            <p>
              <a href={pageHref(1)}>Go to the first page</a>.
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <ScrollRegion label="Events">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Type</th>
                  <th scope="col" class="num">
                    24 h
                  </th>
                  <th scope="col" class="num">
                    30 d
                  </th>
                  <th scope="col" class="num">
                    60 d
                  </th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {schema.events.map((event) => {
                  const blocked = isBlocked(event);
                  const open = isExpanded(event);
                  return (
                    <>
                      <tr class={open ? "open" : undefined}>
                        <th scope="row">
                          <a
                            href={open ? pageHref(page) : `${pageHref(page)}&event=${encodeURIComponent(eventParam(event))}`}
                            aria-expanded={open ? "true" : "false"}
                          >
                            {eventLabel(event)}
                          </a>
                        </th>
                        <td>{event.type}</td>
                        <td class="num">{formatCount(event.count24h)}</td>
                        <td class="num">{formatCount(event.count30d)}</td>
                        <td class="num">{formatCount(event.count60d)}</td>
                        <td>
                          <Time iso={event.lastSeen} />
                        </td>
                        <td>
                          <BlockForm sourceId={source.id} event={event} blocked={blocked} page={page} csrfToken={csrfToken} />
                          {event.blocked > 0 ? <span class="muted small">{` ${formatCount(event.blocked)} dropped`}</span> : null}
                        </td>
                      </tr>
                      {open ? (
                        <tr class="properties">
                          <td colspan={7}>
                            <Properties
                              sourceId={source.id}
                              type={event.type}
                              properties={schema.properties ?? []}
                              blockedTraits={blocks.traits.filter((trait) => trait.type === event.type).map((trait) => trait.name)}
                              page={page}
                              csrfToken={csrfToken}
                            />
                          </td>
                        </tr>
                      ) : null}
                    </>
                  );
                })}
              </tbody>
            </table>
          </ScrollRegion>
          <Pager page={page} pageSize={schema.limit} total={schema.total} href={pageHref} noun="events" />
        </>
      )}
    </Layout>
  );
};

/** Identify traits and group properties can be blocked one by one (by top-level name), as Segment's Schema tab allows. */
const Properties: FC<{
  sourceId: string;
  type: string;
  properties: NonNullable<SchemaPage["properties"]>;
  blockedTraits: string[];
  page: number;
  csrfToken: string;
}> = ({ sourceId, type, properties, blockedTraits, page, csrfToken }) => {
  const traits = type === "identify" || type === "group";
  if (properties.length === 0) return <p class="muted">{traits ? "This call was sent without traits." : "This event was sent without properties."}</p>;
  return (
    <table class="nested">
      <thead>
        <tr>
          <th scope="col">{traits ? "Trait" : "Property"}</th>
          <th scope="col">Types</th>
          <th scope="col">Last seen</th>
          {traits ? <th scope="col">Status</th> : null}
        </tr>
      </thead>
      <tbody>
        {properties.map((property) => (
          <tr>
            <td>
              <code>{property.path}</code>
            </td>
            <td>{property.types.join(", ")}</td>
            <td>
              <Time iso={property.lastSeen} />
            </td>
            {traits ? (
              <td>
                {property.path.includes(".") ? null : (
                  <TraitBlockForm
                    sourceId={sourceId}
                    type={type}
                    name={property.path}
                    blocked={blockedTraits.includes(property.path)}
                    page={page}
                    csrfToken={csrfToken}
                  />
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const TraitBlockForm: FC<{ sourceId: string; type: string; name: string; blocked: boolean; page: number; csrfToken: string }> = ({
  sourceId,
  type,
  name,
  blocked,
  page,
  csrfToken,
}) => (
  <form method="post" action={`/console/schema/${encodeURIComponent(sourceId)}/trait-blocks`} class="inline">
    <CsrfField token={csrfToken} />
    <input type="hidden" name="type" value={type} />
    <input type="hidden" name="name" value={name} />
    <input type="hidden" name="blocked" value={blocked ? "false" : "true"} />
    <input type="hidden" name="page" value={String(page)} />
    {blocked ? <span class="tag danger">Blocked</span> : <span class="tag">Allowed</span>}{" "}
    <button type="submit" class="small-button secondary" aria-label={`${blocked ? "Unblock" : "Block"} trait ${name}`}>
      {blocked ? "Unblock" : "Block"}
    </button>
  </form>
);

/** Block or unblock: a POST with the CSRF token, back to the same page afterwards. */
const BlockForm: FC<{ sourceId: string; event: { type: string; name: string }; blocked: boolean; page: number; csrfToken: string }> = ({
  sourceId,
  event,
  blocked,
  page,
  csrfToken,
}) => (
  <form method="post" action={`/console/schema/${encodeURIComponent(sourceId)}/blocks`} class="inline">
    <CsrfField token={csrfToken} />
    <input type="hidden" name="type" value={event.type} />
    <input type="hidden" name="name" value={event.name} />
    <input type="hidden" name="blocked" value={blocked ? "false" : "true"} />
    <input type="hidden" name="page" value={String(page)} />
    {blocked ? <span class="tag danger">Blocked</span> : <span class="tag">Allowed</span>}{" "}
    <button type="submit" class="small-button" aria-label={`${blocked ? "Unblock" : "Block"} ${eventLabel(event)}`}>
      {blocked ? "Unblock" : "Block"}
    </button>
  </form>
);
