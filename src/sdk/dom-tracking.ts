import type { Context, Dict } from "./types";

type Track = (event: unknown, properties?: Dict) => Promise<Context>;
/** A value, or a function of the element that computes it (analytics.js allows both). */
export type PerElement<T> = T | ((element: Element) => T);
/** One element, a NodeList, an array or a jQuery object, as analytics.js accepts them. */
export type Elements<E extends Element> = E | ArrayLike<E> | null | undefined;

const valueFor = <T>(value: PerElement<T>, element: Element): T => (typeof value === "function" ? (value as (element: Element) => T)(element) : value);

function each<E extends HTMLElement, Kind extends keyof HTMLElementEventMap>(
  elements: Elements<E>,
  kind: Kind,
  handler: (element: E, event: HTMLElementEventMap[Kind]) => void,
): void {
  const list = !elements ? [] : elements instanceof Element ? [elements] : Array.from(elements);
  for (const element of list) element.addEventListener(kind, (event) => handler(element, event));
}

/**
 * `trackLink`: track the click, then follow the link once the event is sent or the call's
 * timeout passes, so the navigation does not cut the request off. New-tab clicks are left alone.
 */
export function bindLinkTracking(track: Track, links: Elements<HTMLAnchorElement>, event: PerElement<string>, properties: PerElement<Dict> = {}): void {
  each(links, "click", (link, click) => {
    const href = link.getAttribute("href");
    const newTab = link.target === "_blank" || click.metaKey || click.ctrlKey || click.shiftKey || click.button === 1;
    const sent = track(valueFor(event, link), valueFor(properties, link));
    if (href && !newTab) {
      click.preventDefault();
      void sent.then(() => (location.href = href));
    }
  });
}

/** `trackForm`: track the submission, then submit the form the same way. */
export function bindFormTracking(track: Track, forms: Elements<HTMLFormElement>, event: PerElement<string>, properties: PerElement<Dict> = {}): void {
  each(forms, "submit", (form, submit) => {
    submit.preventDefault();
    void track(valueFor(event, form), valueFor(properties, form)).then(() => form.submit());
  });
}
