import type { ViewNode } from "../../view-node";

/**
 * A view tree (src/console/view-node.ts) as DOM nodes, built with createElement and text nodes,
 * so nothing in it is ever parsed as HTML. Shared by the page scripts (this folder is not an entry
 * point of scripts/build-console.mjs; only the files beside it are).
 */
export function buildView(node: ViewNode): Node {
  if (typeof node === "string") return document.createTextNode(node);
  const element = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs ?? {})) element.setAttribute(name, value);
  for (const child of node.children ?? []) element.appendChild(buildView(child));
  return element;
}
