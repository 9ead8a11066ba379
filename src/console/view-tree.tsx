import { jsx, type FC } from "hono/jsx";
import type { ViewNode } from "./view-node";

/** A view tree (view-node.ts) as JSX: every string a text child, escaped. */
export const ViewTree: FC<{ node: ViewNode }> = ({ node }) =>
  typeof node === "string" ? <>{node}</> : jsx(node.tag, { ...node.attrs }, ...(node.children ?? []).map((child) => <ViewTree node={child} />));
