import type { FC } from "hono/jsx";
import type { Source } from "../../sources/source";
import { requestPreviewView } from "../request-preview-view";
import { CsrfField } from "../ui";
import { ViewTree } from "../view-tree";
import { EventFields } from "./destination-filters";
import type { RequestPreview } from "./destination-pages";

/** The page script that previews the requests as the event is typed or picked (src/console/client/request-preview.ts). */
export const REQUEST_PREVIEW_SCRIPT_PATH = "/console/assets/request-preview.js";

/**
 * What an Actions destination's mappings would send for one event, built by the destination's own
 * code against a stand-in that answers every request, so nothing leaves: the form posts to
 * `requests` (the page comes back with the requests); with its script, they follow what is typed
 * or picked, from `requests.json`, by the same server code.
 */
export const RequestPreviewSection: FC<{ preview: RequestPreview; sources: readonly Pick<Source, "id" | "name">[]; csrfToken: string; path: string }> = ({
  preview,
  sources,
  csrfToken,
  path,
}) => (
  <section class="panel" aria-labelledby="requests">
    <h2 id="requests">Preview the requests</h2>
    <p class="muted">
      Per mapping: whether it matches one event and the exact requests it would send (method, URL, headers, body), or why it would not. Nothing is sent; filters
      and consent do not apply.
    </p>
    <form method="post" action={`${path}/requests#requests-result`} class="stack" data-live-requests={`${path}/requests.json`}>
      <CsrfField token={csrfToken} />
      <EventFields preview={preview} sources={sources} />
      <div>
        <button type="submit">Preview requests</button>
      </div>
    </form>
    <div class="result" id="requests-result" role="status">
      {preview.outcome ? requestPreviewView(preview.outcome).map((node) => <ViewTree node={node} />) : null}
    </div>
  </section>
);
