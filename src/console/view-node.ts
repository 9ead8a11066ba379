/**
 * Markup described as a plain tree, so the server (JSX, which escapes: view-tree.tsx) and a page
 * script (`createElement` and `textContent`: client/shared/build-view.ts) render the same thing
 * from the same data. Strings in the tree are always text, never HTML. Pure: no DOM, no Workers
 * API, so it is bundled into page scripts as it is.
 */
export type ViewNode = string | ViewElement;
export interface ViewElement {
  tag: string;
  attrs?: Record<string, string>;
  children?: ViewNode[];
}

export const h = (tag: string, attrs: Record<string, string> | null, ...children: (ViewNode | null | false)[]): ViewElement => ({
  tag,
  ...(attrs ? { attrs } : {}),
  children: children.filter((child): child is ViewNode => child !== null && child !== false),
});
