import type { ViewNode } from "../../view-node";
import { buildView } from "./build-view";

/**
 * A preview form made live: as its event is typed or picked, the form is posted to `endpoint`
 * (the server runs the preview, the same code the form runs without script) and the result shown
 * is replaced, built with createElement and textContent. Picking another source posts the form,
 * whose page lists that source's events. Only the answer to the latest request is shown.
 */
export function liveEventPreview<Outcome>(
  form: HTMLFormElement,
  shown: HTMLElement,
  { endpoint, view, typingDelayMs }: { endpoint: string; view: (outcome: Outcome) => ViewNode[]; typingDelayMs: number },
  failed: Outcome,
): void {
  const field = <T extends Element>(name: string) => form.elements.namedItem(name) as T | null;
  const entry = field<HTMLSelectElement>("entry");
  const json = field<HTMLTextAreaElement>("event");
  const source = field<HTMLSelectElement>("debuggerSource");
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const preview = async () => {
    const request = ++latest;
    let answer: { outcome: Outcome; picked?: string };
    try {
      const response = await fetch(endpoint, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
      answer = (await response.json()) as typeof answer;
    } catch {
      answer = { outcome: failed };
    }
    if (request !== latest) return;
    if (answer.picked !== undefined && json) json.value = answer.picked;
    shown.replaceChildren(...view(answer.outcome).map(buildView));
  };

  form.addEventListener("input", (event) => {
    if (event.target === source) {
      if (entry) entry.value = "";
      form.requestSubmit();
      return;
    }
    // Edited, the JSON is no longer the event picked.
    if (event.target === json && entry) entry.value = "";
    clearTimeout(timer);
    timer = setTimeout(() => void preview(), event.target === entry ? 0 : typingDelayMs);
  });
}

export const PREVIEW_UNREACHABLE = "Could not preview: reload the page (your session may have ended) and try again.";
