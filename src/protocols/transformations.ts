import { z } from "zod";
import { isPlainObject } from "../spec/validate-event";

/**
 * Source-scoped transformations, as Segment's Protocols offers them: rename a track event, and
 * rename or move properties (track) or traits (identify, group) by JSON path up to four levels
 * deep (`order.id`; `a\.b` is one key holding a dot). They run after the tracking plan judged the
 * event as sent, and before the archive and every destination.
 */
export interface Transformation {
  id: string;
  sourceId: string;
  eventType: "track" | "identify" | "group";
  /** The track event it applies to; empty for identify and group. */
  eventName: string;
  newEventName: string | null;
  renames: { from: string; to: string }[];
  enabled: boolean;
}

export const MAX_PATH_DEPTH = 4;

const path = z
  .string()
  .min(1, { error: "must name a property" })
  .max(500)
  .refine((value) => splitPath(value).length <= MAX_PATH_DEPTH, { error: `may be at most ${MAX_PATH_DEPTH} levels deep` })
  .refine((value) => splitPath(value).every((segment) => segment !== "" && segment !== "$"), { error: "must not have empty or array (`$`) segments" });

/** A transformation's renames, as validated and as stored (`source_transformations.renames`). */
export const renamesSchema = z.array(z.object({ from: path, to: path })).max(100, { error: "may hold at most 100 renames" });

export const transformationInput = z
  .object({
    eventType: z.enum(["track", "identify", "group"], { error: "must be track, identify or group" }),
    eventName: z.string().max(1000).default(""),
    newEventName: z.string().min(1).max(1000).nullable().default(null),
    renames: renamesSchema.default([]),
    enabled: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    if (input.eventType === "track" && input.eventName === "")
      ctx.addIssue({ code: "custom", path: ["eventName"], message: "must name the track event to transform" });
    if (input.eventType !== "track" && input.newEventName !== null)
      ctx.addIssue({ code: "custom", path: ["newEventName"], message: "applies to track events only" });
    if (input.newEventName === null && input.renames.length === 0)
      ctx.addIssue({ code: "custom", path: ["renames"], message: "send newEventName and/or renames: this transformation would do nothing" });
  });

/** `a.b\.c` → `["a", "b.c"]`. */
export function splitPath(value: string): string[] {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    if (char === "\\" && value[i + 1] === ".") {
      current += ".";
      i += 1;
    } else if (char === ".") {
      segments.push(current);
      current = "";
    } else current += char;
  }
  segments.push(current);
  return segments;
}

/** Applies the source's enabled transformation for this event, if any; never mutates the input. */
export function applyTransformations(event: Record<string, unknown>, transformations: readonly Transformation[]): Record<string, unknown> {
  const type = event.type;
  const name = type === "track" && typeof event.event === "string" ? event.event : "";
  const transformation = transformations.find((candidate) => candidate.enabled && candidate.eventType === type && candidate.eventName === name);
  if (!transformation) return event;
  const section = type === "track" ? "properties" : "traits";
  const out: Record<string, unknown> = { ...event };
  if (transformation.newEventName && type === "track") out.event = transformation.newEventName;
  if (transformation.renames.length > 0 && isPlainObject(event[section])) {
    const fields = structuredClone<Record<string, unknown>>(event[section]);
    for (const { from, to } of transformation.renames) {
      const taken = take(fields, splitPath(from));
      if (taken.found) put(fields, splitPath(to), taken.value);
    }
    out[section] = fields;
  }
  return out;
}

function take(root: Record<string, unknown>, segments: readonly string[]): { found: boolean; value?: unknown } {
  let parent: Record<string, unknown> = root;
  for (const segment of segments.slice(0, -1)) {
    const next = parent[segment];
    if (!isPlainObject(next)) return { found: false };
    parent = next;
  }
  const last = segments.at(-1)!;
  if (!Object.hasOwn(parent, last)) return { found: false };
  const value = parent[last];
  delete parent[last];
  return { found: true, value };
}

function put(root: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let parent = root;
  for (const segment of segments.slice(0, -1)) {
    if (!isPlainObject(parent[segment])) parent[segment] = {};
    parent = parent[segment] as Record<string, unknown>;
  }
  parent[segments.at(-1)!] = value;
}
