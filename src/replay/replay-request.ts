import { z } from "zod";
import { schemaBlocksSchema, type SchemaBlocks } from "../protocols/schema-blocks";

/** Events per second per destination when the request names no rate: live traffic keeps its share. */
export const DEFAULT_REPLAY_RATE_PER_SECOND = 200;
export const MAX_REPLAY_RATE_PER_SECOND = 5_000;
export const MAX_REPLAY_DESTINATIONS = 20;

const EVENT_TYPES = ["track", "page", "screen", "identify", "group", "alias"] as const;

/** `POST /api/v1/replays` (DESIGN.md): a source, a `[from, to)` range of `receivedAt`, destinations. */
export const replayRequest = z
  .object({
    sourceId: z.string({ error: "sourceId is required" }).min(1),
    destinationIds: z
      .array(z.string().min(1), { error: "destinationIds must be a list of destination ids" })
      .min(1, { error: "name at least one destination in destinationIds" })
      .max(MAX_REPLAY_DESTINATIONS, { error: `at most ${MAX_REPLAY_DESTINATIONS} destinations per replay` })
      .refine((ids) => new Set(ids).size === ids.length, { error: "destinationIds lists a destination twice" }),
    from: z.iso.datetime({ offset: true, error: "from must be an ISO-8601 instant, e.g. 2026-01-31T00:00:00Z" }),
    to: z.iso.datetime({ offset: true, error: "to must be an ISO-8601 instant, e.g. 2026-02-01T00:00:00Z" }),
    eventTypes: z
      .array(z.enum(EVENT_TYPES, { error: `eventTypes are ${EVENT_TYPES.join(", ")}` }))
      .min(1)
      .optional(),
    eventNames: z.array(z.string().min(1).max(200)).min(1).max(1_000).optional(),
    ratePerSecond: z.number().int().min(1).max(MAX_REPLAY_RATE_PER_SECOND).optional(),
  })
  .refine((request) => Date.parse(request.from) < Date.parse(request.to), { error: "from must be before to", path: ["to"] });

export type ReplayRequest = z.infer<typeof replayRequest>;

/** What a replay object runs: the request, normalized, plus what the source blocked when it began. */
export interface ReplaySpec {
  id: string;
  sourceId: string;
  destinationIds: string[];
  /** UTC ISO-8601, normalized. */
  from: string;
  to: string;
  eventTypes?: string[];
  eventNames?: string[];
  ratePerSecond: number;
  blocks: SchemaBlocks;
  createdAt: string;
}

/** The stored shape of a spec (the replay object's `replay.spec`). */
export const replaySpecSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  destinationIds: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  eventTypes: z.array(z.string()).optional(),
  eventNames: z.array(z.string()).optional(),
  ratePerSecond: z.number().int().min(1),
  blocks: schemaBlocksSchema,
  createdAt: z.string(),
}) satisfies z.ZodType<ReplaySpec>;

export function replaySpec(id: string, request: ReplayRequest, blocks: SchemaBlocks, now: Date): ReplaySpec {
  return {
    id,
    sourceId: request.sourceId,
    destinationIds: request.destinationIds,
    from: new Date(request.from).toISOString(),
    to: new Date(request.to).toISOString(),
    ...(request.eventTypes ? { eventTypes: request.eventTypes } : {}),
    ...(request.eventNames ? { eventNames: request.eventNames } : {}),
    ratePerSecond: request.ratePerSecond ?? DEFAULT_REPLAY_RATE_PER_SECOND,
    blocks,
    createdAt: now.toISOString(),
  };
}
