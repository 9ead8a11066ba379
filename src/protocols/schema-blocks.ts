import { z } from "zod";
import { schemaEventOf } from "../schema/observe";
import { parseStoredJson } from "../storage/stored-json";

/**
 * What a source blocks from its Schema tab, plan or no plan (Segment: "block track, all Page and
 * Screen calls, Identify traits and Group properties"). Events are named as the schema names them
 * (`Page Viewed` for every page call); traits by their top-level name.
 */
export interface SchemaBlocks {
  events: { type: "track" | "identify" | "group"; name: string }[];
  traits: { type: "identify" | "group"; name: string }[];
}

export const NO_SCHEMA_BLOCKS: SchemaBlocks = { events: [], traits: [] };

/** The stored shape of `SchemaBlocks` (in `source_protocols.schema_blocks` and in a replay's spec). */
export const schemaBlocksSchema = z.object({
  events: z.array(z.object({ type: z.enum(["track", "identify", "group"]), name: z.string() })),
  traits: z.array(z.object({ type: z.enum(["identify", "group"]), name: z.string() })),
}) satisfies z.ZodType<SchemaBlocks>;

export function readStoredSchemaBlocks(text: string, sourceId: string): SchemaBlocks {
  return parseStoredJson(schemaBlocksSchema, text, `source_protocols.schema_blocks of ${sourceId}`);
}

export function setBlocked<T extends { type: string; name: string }>(list: readonly T[], item: T, blocked: boolean): T[] {
  const rest = list.filter((entry) => entry.type !== item.type || entry.name !== item.name);
  return blocked ? [...rest, item] : rest;
}

/** Blocks the event, or drops its blocked traits (listed in `context.protocols.omitted`). */
export function applySchemaBlocks(event: Record<string, unknown>, blocks: SchemaBlocks): { event: Record<string, unknown>; blocked: boolean } {
  const schemaEvent = schemaEventOf(event);
  if (!schemaEvent) return { event, blocked: false };
  if (blocks.events.some((entry) => entry.type === schemaEvent.type && entry.name === schemaEvent.name)) return { event, blocked: true };
  if (schemaEvent.type === "track" || typeof event.traits !== "object" || event.traits === null) return { event, blocked: false };
  const traits = { ...(event.traits as Record<string, unknown>) };
  const dropped = blocks.traits.filter((entry) => entry.type === schemaEvent.type && entry.name in traits).map((entry) => entry.name);
  if (dropped.length === 0) return { event, blocked: false };
  for (const name of dropped) delete traits[name];
  const context = typeof event.context === "object" && event.context !== null ? (event.context as Record<string, unknown>) : {};
  const protocols = typeof context.protocols === "object" && context.protocols !== null ? (context.protocols as Record<string, unknown>) : {};
  const omitted = [...(Array.isArray(protocols.omitted) ? (protocols.omitted as string[]) : []), ...dropped];
  return { event: { ...event, traits, context: { ...context, protocols: { ...protocols, omitted } } }, blocked: false };
}
