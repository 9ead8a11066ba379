import { z } from "zod";
import { MAX_MESSAGE_ID_LENGTH } from "./limits";
import { isIsoDateTime } from "./timestamps";

/**
 * zod schemas for the Segment Spec calls. Unknown top-level fields pass through untouched:
 * Segment events carry arbitrary extras and Sluice archives them "exactly as accepted".
 */

function missingOr(kind: string, missing: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined || issue.input === null || issue.input === "" ? missing : `must be ${kind}`);
}

/** Segment ids may be strings or numbers; libraries coerce numbers to strings, so do we. */
const identifier = (missing: string) =>
  z.union([z.string().min(1), z.number()], { error: missingOr("a non-empty string or a number", missing) }).transform(String);

const optionalIdentifier = z.union([z.string(), z.number()], { error: "must be a string or a number" }).transform(String).nullish();

const dateTime = z
  .string({ error: "must be an ISO-8601 date-time string" })
  .refine(isIsoDateTime, { error: "must be an ISO-8601 date-time string, like 2026-01-31T12:00:00.000Z" });

const jsonObject = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });

const common = {
  messageId: z
    .string({ error: "must be a string" })
    .min(1, { error: "must not be empty" })
    .max(MAX_MESSAGE_ID_LENGTH, { error: `must be at most ${MAX_MESSAGE_ID_LENGTH} characters` })
    .optional(),
  userId: optionalIdentifier,
  anonymousId: optionalIdentifier,
  timestamp: dateTime.optional(),
  originalTimestamp: dateTime.optional(),
  sentAt: dateTime.optional(),
  context: jsonObject.optional(),
  integrations: jsonObject.optional(),
};

const withIdentity = <T extends z.ZodType<{ userId?: string | null; anonymousId?: string | null }>>(schema: T) =>
  schema.superRefine((event, ctx) => {
    if (!event.userId && !event.anonymousId) {
      ctx.addIssue({
        code: "custom",
        path: ["userId"],
        message: "is required: every call needs a userId or an anonymousId",
      });
    }
  });

const track = withIdentity(
  z.looseObject({
    ...common,
    type: z.literal("track"),
    event: z
      .string({ error: missingOr("a string", "is required: a track call needs an event name") })
      .min(1, { error: "is required: a track call needs an event name" }),
    properties: jsonObject.optional(),
  }),
);

const identify = withIdentity(z.looseObject({ ...common, type: z.literal("identify"), traits: jsonObject.optional() }));

const page = withIdentity(
  z.looseObject({
    ...common,
    type: z.enum(["page", "screen"]),
    name: z.string({ error: "must be a string" }).nullish(),
    category: z.string({ error: "must be a string" }).nullish(),
    properties: jsonObject.optional(),
  }),
);

const group = withIdentity(
  z.looseObject({
    ...common,
    type: z.literal("group"),
    groupId: identifier("is required: a group call needs a groupId"),
    traits: jsonObject.optional(),
  }),
);

/** Alias needs both ids (Spec: Alias); an anonymousId alone does not identify the new user. */
const alias = z.looseObject({
  ...common,
  type: z.literal("alias"),
  userId: identifier("is required: an alias call needs the new userId"),
  previousId: identifier("is required: an alias call needs the previousId it merges from"),
});

export const eventSchemas = { track, identify, page, screen: page, group, alias } as const;
