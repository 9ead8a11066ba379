import { requestPreviewView, type RequestPreviewOutcome } from "../request-preview-view";
import { liveEventPreview, PREVIEW_UNREACHABLE } from "./shared/live-event-preview";

/**
 * An Actions destination's request preview, live (served as /console/assets/request-preview.js):
 * as the event is typed or picked, the form goes to `…/requests.json`, which runs the destination's
 * own code on the server, and the requests shown are replaced. Without this script the form still posts.
 */

const form = document.querySelector<HTMLFormElement>("form[data-live-requests]");
const shown = document.getElementById("requests-result");

if (form && shown) {
  liveEventPreview<RequestPreviewOutcome>(
    form,
    shown,
    { endpoint: form.dataset.liveRequests!, view: requestPreviewView, typingDelayMs: 400 },
    { error: PREVIEW_UNREACHABLE },
  );
}
