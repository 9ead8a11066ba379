import type { Context, Dict } from "./types";

type Track = (event: unknown, properties?: Dict) => Promise<Context>;
/** A value, or a function of the element that computes it (analytics.js allows both). */
type PerElement<T> = T | ((element: Element) => T);

const valueFor = <T>(value: PerElement<T>, element: Element): T =>
  typeof value === "function" ? (value as (element: Element) => T)(element) : value;

/** One element, a NodeList or an array, as analytics.js accepts them. */
function each(elements: any, kind: string, handler: (element: any, event: any) => void): void {
  const list = !elements ? [] : elements.nodeType ? [elements] : Array.from(elements as ArrayLike<any>);
  for (const element of list) element.addEventListener(kind, (event: Event) => handler(element, event));
}

/**
 * `trackLink`: track the click, then follow the link once the event is sent or the call's
 * timeout passes, so the navigation does not cut the request off. New-tab clicks are left alone.
 */
export function bindLinkTracking(track: Track, links: any, event: PerElement<string>, properties?: PerElement<Dict>): void {
  each(links, "click", (link, click: MouseEvent) => {
    const href = link.getAttribute("href");
    const newTab = link.target === "_blank" || click.metaKey || click.ctrlKey || click.shiftKey || click.button === 1;
    const sent = track(valueFor(event, link), valueFor(properties ?? {}, link));
    if (href && !newTab) {
      click.preventDefault();
      void sent.then(() => (location.href = href));
    }
  });
}

/** `trackForm`: track the submission, then submit the form the same way. */
export function bindFormTracking(track: Track, forms: any, event: PerElement<string>, properties?: PerElement<Dict>): void {
  each(forms, "submit", (form, submit: Event) => {
    submit.preventDefault();
    void track(valueFor(event, form), valueFor(properties ?? {}, form)).then(() => form.submit());
  });
}
