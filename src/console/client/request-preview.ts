import { requestPreviewView, type RequestPreviewOutcome } from "../request-preview-view";
import { buildView } from "./shared/build-view";

/**
 * An Actions destination's request preview, live (served as /console/assets/request-preview.js):
 * as the event is typed or picked, the form goes to `…/requests.json`, which runs the destination's
 * own code on the server, and the requests shown are replaced, built with createElement and
 * textContent. Without this script the form still posts.
 */

const form = document.querySelector<HTMLFormElement>("form[data-live-requests]");
const shown = document.getElementById("requests-result");

if (form && shown) {
  const field = <T extends Element>(name: string) => form.elements.namedItem(name) as T | null;
  const entry = field<HTMLSelectElement>("entry");
  const json = field<HTMLTextAreaElement>("event");
  const source = field<HTMLSelectElement>("debuggerSource");
  /** Only the answer to the latest request is shown: an earlier one may arrive after it. */
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const preview = async () => {
    const request = ++latest;
    let answer: { outcome: RequestPreviewOutcome; picked?: string };
    try {
      const response = await fetch(form.dataset.liveRequests!, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
      answer = (await response.json()) as typeof answer;
    } catch {
      answer = { outcome: { error: "Could not preview: reload the page (your session may have ended) and try again." } };
    }
    if (request !== latest) return;
    if (answer.picked !== undefined && json) json.value = answer.picked;
    shown.replaceChildren(...requestPreviewView(answer.outcome).map(buildView));
  };

  form.addEventListener("input", (event) => {
    if (event.target === source) {
      // Another source's events are listed by the page itself.
      if (entry) entry.value = "";
      form.requestSubmit();
      return;
    }
    // Edited, the JSON is no longer the event picked.
    if (event.target === json && entry) entry.value = "";
    clearTimeout(timer);
    timer = setTimeout(() => void preview(), event.target === entry ? 0 : 400);
  });
}
