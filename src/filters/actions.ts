import { z } from "zod";
import { isPlainObject } from "../spec/validate-event";

/**
 * Destination filter actions (Segment's Public API shape). `fields` maps a parent path to the
 * names under it: `{"": ["userId"]}` is a top-level field, `{"properties": ["email"]}` a property,
 * and a parent that holds an array applies to every object in it (`{"properties.products":
 * ["price"]}`), as Segment's filters do.
 */
export type FilterAction =
  | { type: "DROP" }
  | { type: "DROP_PROPERTIES"; fields: Record<string, string[]> }
  | { type: "ALLOW_PROPERTIES"; fields: Record<string, string[]> }
  | { type: "SAMPLE"; percent: number; path?: string };

const fields = z.record(z.string().max(500), z.array(z.string().min(1).max(500)).max(200), { error: "must map a parent path to field names" });

export const filterActionSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("DROP") }),
    z.object({ type: z.literal("DROP_PROPERTIES"), fields }),
    z.object({ type: z.literal("ALLOW_PROPERTIES"), fields }),
    z.object({
      type: z.literal("SAMPLE"),
      percent: z.number({ error: "must be a fraction from 0 to 1" }).min(0).max(1),
      path: z.string().min(1).max(500).optional(),
    }),
  ],
  { error: "type must be DROP, DROP_PROPERTIES, ALLOW_PROPERTIES or SAMPLE" },
);

/** The event after the actions, or null when it is dropped (or not sampled). */
export async function applyFilterActions(event: Record<string, unknown>, actions: readonly FilterAction[]): Promise<Record<string, unknown> | null> {
  let current = event;
  for (const action of actions) {
    switch (action.type) {
      case "DROP":
        return null;
      case "SAMPLE":
        if (!(await sampled(current, action))) return null;
        break;
      case "DROP_PROPERTIES":
      case "ALLOW_PROPERTIES": {
        const copy = structuredClone(current);
        for (const [parent, names] of Object.entries(action.fields)) {
          for (const holder of holdersAt(copy, parent)) {
            for (const key of Object.keys(holder)) {
              const listed = names.includes(key);
              if (action.type === "DROP_PROPERTIES" ? listed : !listed) delete holder[key];
            }
          }
        }
        current = copy;
        break;
      }
    }
  }
  return current;
}

/**
 * Deterministic: the same value of `path` (userId for per-user sampling; messageId by default) is
 * always in or always out, so a user's events are kept or dropped together.
 */
async function sampled(event: Record<string, unknown>, action: { percent: number; path?: string }): Promise<boolean> {
  if (action.percent >= 1) return true;
  if (action.percent <= 0) return false;
  const value = valueAt(event, action.path ?? "messageId");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(value ?? null))));
  const bucket = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  return bucket / 2 ** 32 < action.percent;
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const segment of path.split(".")) {
    if (!isPlainObject(value)) return undefined;
    value = value[segment];
  }
  return value;
}

/** The objects a parent path names: the object itself, or each object of an array there. */
function holdersAt(root: Record<string, unknown>, parent: string): Record<string, unknown>[] {
  const value = parent === "" ? root : valueAt(root, parent);
  if (isPlainObject(value)) return [value];
  if (Array.isArray(value)) return value.filter(isPlainObject);
  return [];
}
