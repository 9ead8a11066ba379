import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { debuggerFor } from "../../debugger/debugger-stub";
import type { DebuggerEntry } from "../../debugger/entry";
import type { Source } from "../../sources/source";
import { SourceStore } from "../../sources/source-store";
import { render, type SignedIn, type SignedInEnv } from "../context";
import { entryView } from "../debugger-view";
import { Layout } from "../layout";
import { NotFoundPage } from "../pages";
import { ViewTree } from "../view-tree";

/**
 * A source's live debugger: `GET /console/sources/:id/debugger` renders the buffer's entries
 * (newest first) on the server; the page's one script (`/console/assets/debugger.js`, built from
 * src/console/client/debugger.ts) opens `…/debugger/stream` and adds what arrives, with search
 * and pause. The stream is the source's DebuggerObject socket, reached through the session cookie
 * (a browser WebSocket cannot send the admin API's bearer token) and only from the console's own
 * origin: a WebSocket is not bound by the same-origin policy, so without that check any site
 * could open it with the visitor's cookie (cross-site WebSocket hijacking).
 */

export const DEBUGGER_SCRIPT_PATH = "/console/assets/debugger.js";

export interface DebuggerPageProps {
  source: Pick<Source, "id" | "name" | "writeKey">;
  /** The console's origin, which also serves the Tracking API: the empty state's example sends there. */
  origin: string;
  entries: readonly DebuggerEntry[];
  signedIn: SignedIn;
}

export const DebuggerPage: FC<DebuggerPageProps> = ({ source, origin, entries, signedIn }) => (
  <Layout title={`${source.name}: live debugger`} current="sources" subject={signedIn.session.sub} csrfToken={signedIn.csrfToken}>
    <div
      class="debugger"
      data-stream={`/console/sources/${encodeURIComponent(source.id)}/debugger/stream`}
      data-entries={`/console/sources/${encodeURIComponent(source.id)}/debugger/entries`}
    >
      <div class="debugger-bar">
        <input
          type="search"
          id="debugger-search"
          placeholder="Search every field"
          aria-label="Search events, in every field, context included"
          autocomplete="off"
          spellcheck={false}
        />
        <button type="button" id="debugger-pause" aria-pressed="false">
          Pause
        </button>
        <span id="debugger-status" class="status" role="status">
          Connecting…
        </span>
      </div>
      <p class="hint">
        Newest first, the last 500 events of this source: invalid ones with the error their client got, duplicates, and each event's journey through the
        pipeline. Open an event to see it as a call and as raw JSON.
      </p>
      <EmptyState hidden={entries.length > 0} writeKey={source.writeKey} origin={origin} />
      <p id="debugger-no-match" class="empty" hidden>
        No event here matches the search.
      </p>
      {/* Names the list, so each entry's Journey, Call and Raw JSON headings (h3) sit under an h2. */}
      <h2 class="visually-hidden">Events</h2>
      <ol id="debugger-entries" class="entries">
        {entries.map((entry) => (
          <ViewTree node={entryView(entry)} />
        ))}
      </ol>
    </div>
    <script type="module" src={DEBUGGER_SCRIPT_PATH}></script>
  </Layout>
);

/** What to do when the source has sent nothing yet. */
const EmptyState: FC<{ hidden: boolean; writeKey: string; origin: string }> = ({ hidden, writeKey, origin }) => (
  <div id="debugger-empty" class="empty" hidden={hidden}>
    <p>
      <strong>No events yet.</strong> Send one with this source's write key and it appears here within a few seconds, without reloading:
    </p>
    <pre class="code" tabindex={0}>{`curl ${origin}/v1/track -u '${writeKey}:' \\
  -H 'Content-Type: application/json' \\
  -d '{"userId":"user-1","event":"Test Event","properties":{"plan":"pro"}}'`}</pre>
    <p class="hint">
      Or load <code>{`${origin}/analytics.js/v1/${writeKey}/analytics.min.js`}</code> on a page and call <code>analytics.track("Test Event")</code>.
    </p>
  </div>
);

const sameOrigin = (url: string, origin: string | undefined) => origin !== undefined && origin === new URL(url).origin;

export const debuggerSection = new Hono<SignedInEnv>()
  .get("/sources/:id/debugger", async (c) => {
    const id = c.req.param("id");
    const source = await new SourceStore(c.env.DB).get(id);
    if (!source) return render(c, <NotFoundPage path={new URL(c.req.url).pathname} />, 404);
    const entries = await debuggerFor(c.env, id).recent();
    return render(c, <DebuggerPage source={source} origin={new URL(c.req.url).origin} entries={entries} signedIn={c.get("signedIn")} />);
  })
  // What the page catches up on after its socket reconnects (the stream carries only news).
  .get("/sources/:id/debugger/entries", async (c) => {
    const id = c.req.param("id");
    if (!(await new SourceStore(c.env.DB).get(id))) return c.json({ error: `No source with id ${id}.` }, 404);
    return c.json({ entries: await debuggerFor(c.env, id).recent() });
  })
  .get("/sources/:id/debugger/stream", async (c) => {
    if (!sameOrigin(c.req.url, c.req.header("Origin"))) {
      return c.text("Refused: the debugger's stream opens only from the console's own pages.", 403);
    }
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return c.text("Expected a WebSocket upgrade.", 426);
    const id = c.req.param("id");
    if (!(await new SourceStore(c.env.DB).get(id))) return c.text(`No source with id ${id}.`, 404);
    const upstream = await debuggerFor(c.env, id).fetch(c.req.raw);
    // A stub's answer has immutable headers; the console's header middleware sets its own.
    return upstream.webSocket ? new Response(null, { status: 101, webSocket: upstream.webSocket }) : new Response(upstream.body, upstream);
  });
