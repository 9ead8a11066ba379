/**
 * JSON.stringify for parsed JSON of any depth. V8's JSON.stringify recurses, and in workerd it
 * overflows the stack a few thousand levels down, which a 10 KB request body reaches: what must
 * show a refused payload whatever its shape (the live debugger) writes it with this instead.
 * Same text as JSON.stringify for values JSON.parse made (no toJSON, no cycles).
 */
export function stringifyJson(value: unknown): string {
  const out: string[] = [];
  const open: { items: [string | null, unknown][]; next: number; close: string }[] = [];
  let pending: { key: string | null; value: unknown } | undefined = { key: null, value };
  for (;;) {
    if (pending) {
      const { key, value: current } = pending;
      pending = undefined;
      if (key !== null) out.push(`${JSON.stringify(key)}:`);
      if (Array.isArray(current)) {
        out.push("[");
        open.push({ items: current.map((item): [null, unknown] => [null, item]), next: 0, close: "]" });
      } else if (typeof current === "object" && current !== null) {
        out.push("{");
        const entries = Object.entries(current).filter(([, inner]) => inner !== undefined && typeof inner !== "function");
        open.push({ items: entries, next: 0, close: "}" });
      } else {
        out.push(JSON.stringify(current) ?? "null");
      }
    }
    const top = open.at(-1);
    if (!top) return out.join("");
    if (top.next === top.items.length) {
      out.push(top.close);
      open.pop();
      continue;
    }
    if (top.next > 0) out.push(",");
    const [key, inner] = top.items[top.next++]!;
    pending = { key, value: inner };
  }
}
