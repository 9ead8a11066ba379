import { previewView, type PreviewOutcome } from "../filter-preview-view";
import { liveEventPreview, PREVIEW_UNREACHABLE } from "./shared/live-event-preview";

/**
 * The destination page's filter preview, live (served as /console/assets/filter-preview.js): as
 * the filter is typed or an event picked, the form goes to `…/preview.json`, which runs the
 * preview on the server (the admin API's code; no FQL here), and the verdict replaces the one
 * shown. Without this script the form still posts.
 */

const form = document.querySelector<HTMLFormElement>("form[data-live]");
const shown = document.getElementById("preview-result");

if (form && shown) {
  liveEventPreview<PreviewOutcome>(form, shown, { endpoint: form.dataset.live!, view: previewView, typingDelayMs: 250 }, { error: PREVIEW_UNREACHABLE });
}
