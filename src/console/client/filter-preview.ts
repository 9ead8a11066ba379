import { previewView, type PreviewOutcome } from "../filter-preview-view";
import { buildView } from "./shared/build-view";

/**
 * The destination page's filter preview, live (served as /console/assets/filter-preview.js): as
 * the filter is typed or an event picked, the form goes to `…/preview.json`, which runs the
 * preview on the server (the admin API's code; no FQL here), and the verdict replaces the one
 * shown, built with createElement and textContent. Without this script the form still posts.
 */

const form = document.querySelector<HTMLFormElement>("form[data-live]");
const shown = document.getElementById("preview-result");

if (form && shown) {
  const field = <T extends Element>(name: string) => form.elements.namedItem(name) as T | null;
  const entry = field<HTMLSelectElement>("entry");
  const json = field<HTMLTextAreaElement>("event");
  const source = field<HTMLSelectElement>("debuggerSource");
  /** Only the answer to the latest request is shown: an earlier one may arrive after it. */
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const show = (outcome: PreviewOutcome) => shown.replaceChildren(...previewView(outcome).map(buildView));

  const preview = async () => {
    const request = ++latest;
    let answer: { outcome: PreviewOutcome; picked?: string };
    try {
      const response = await fetch(form.dataset.live!, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
      answer = (await response.json()) as typeof answer;
    } catch {
      answer = { outcome: { error: "Could not preview: reload the page (your session may have ended) and try again." } };
    }
    if (request !== latest) return;
    if (answer.picked !== undefined && json) json.value = answer.picked;
    show(answer.outcome);
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
    timer = setTimeout(() => void preview(), event.target === entry ? 0 : 250);
  });
}
