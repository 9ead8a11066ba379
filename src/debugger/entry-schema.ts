import { z } from "zod";
import type { DebuggerEntry } from "./entry";

/**
 * The debugger entry as zod: reads rows back from the DebuggerObject's SQLite (parseStoredJson)
 * and describes the route's answer in the OpenAPI document, so both follow `DebuggerEntry`.
 */
const violation = z.object({
  type: z.enum(["Required", "Invalid Type", "Invalid Value", "Unplanned Property", "Unplanned Event"]),
  field: z.string(),
  description: z.string(),
});

const delivery = z.object({
  status: z.enum(["delivered", "retrying", "failed", "discarded"]),
  attempts: z.number().int().min(1),
  outcome: z.string(),
});

export const journeySchema = z.object({
  plan: z.object({ verdict: z.enum(["passed", "violated", "blocked", "not-checked"]), violations: z.array(violation) }).optional(),
  blocked: z.string().nullable().optional(),
  archived: z.boolean().optional(),
  deliveries: z.record(z.string(), delivery).optional(),
});

export const debuggerEntrySchema = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  sourceId: z.string(),
  receivedAt: z.string(),
  kind: z.enum(["accepted", "invalid", "duplicate"]),
  event: z.unknown(),
  omitted: z.object({ bytes: z.number().int(), preview: z.string() }).optional(),
  error: z.object({ message: z.string(), field: z.string() }).optional(),
  journey: journeySchema,
}) satisfies z.ZodType<DebuggerEntry>;
