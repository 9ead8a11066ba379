import { createRoute, z } from "@hono/zod-openapi";
import { PROFILE_SECURITY, json } from "../http/openapi";
import { queryChoice, queryFlag, queryInstant, queryList, queryText, queryWholeNumber } from "../http/query";
import { parseIdentifierKey } from "../identity/identifier";
import { isSegmentId } from "../identity/profile-id";

/**
 * The Profile API's routes as declared for @hono/zod-openapi: path parameters, each resource's
 * query and its answer, in Segment's shapes. routes.ts serves them.
 */

const ErrorBody = z
  .object({ error: z.object({ code: z.enum(["authentication_error", "not_found", "validation_error"]), message: z.string() }) })
  .openapi("ProfileApiError");
const Cursor = z.object({ url: z.string(), has_more: z.boolean(), next: z.string() }).openapi("ProfileCursor");
const ExternalId = z
  .object({
    source_id: z.string(),
    collection: z.string(),
    id: z.string(),
    type: z.string(),
    created_at: z.string(),
    encoding: z.literal("none"),
    first_message_id: z.string(),
  })
  .openapi("ProfileExternalId");

export const params = z.object({
  spaceId: z.string().openapi({ description: "The space (this deployment's SPACE_ID)." }),
  collection: z.enum(["users", "accounts"], { error: "must be `users` or `accounts`" }),
  identifier: z
    .string()
    .refine((value) => isSegmentId(value) || parseIdentifierKey(value) !== undefined, {
      error: "must be `<type>:<value>` (like `user_id:u123`, URL-encoded) or a segment_id",
    })
    .openapi({ description: "`<type>:<value>` such as `user_id:u123` or `email:a@example.com`, or the profile's segment_id (`use_…`)." }),
});

const cursor = queryText("`cursor.next` of the previous page.");

const ERRORS = {
  400: json(ErrorBody, "A parameter is invalid (`validation_error`)."),
  401: json(ErrorBody, "Missing or wrong Profile API token (`authentication_error`)."),
  404: json(ErrorBody, "No such space or profile (`not_found`)."),
};

const profileRoute = <R extends string, Q extends z.ZodObject>(resource: R, summary: string, query: Q, answer: z.ZodType, description: string) =>
  createRoute({
    tags: ["Profile API"],
    security: PROFILE_SECURITY,
    method: "get",
    path: `/v1/spaces/{spaceId}/collections/{collection}/profiles/{identifier}/${resource}`,
    summary,
    request: { params, query },
    responses: { 200: json(answer, description), ...ERRORS },
  });

export const traitsRoute = profileRoute(
  "traits",
  "A profile's traits",
  z.object({
    class: queryChoice(["audience", "computed_trait", "trait"], "`audience` or `computed_trait` (Sluice computes neither yet: both are empty)."),
    limit: queryWholeNumber(200, 10),
    verbose: queryFlag("`true` answers each trait with when it was set and by which source."),
    include: queryList("Comma-separated trait names."),
    next: cursor,
  }),
  z.object({ traits: z.record(z.string(), z.unknown()), cursor: Cursor }).openapi("ProfileTraits"),
  "Traits by name, paged.",
);
export const externalIdsRoute = profileRoute(
  "external_ids",
  "A profile's identifiers",
  z.object({ limit: queryWholeNumber(100, 10), include: queryList("Comma-separated identifier types."), next: cursor, cursor }),
  z.object({ data: z.array(ExternalId), cursor: Cursor }).openapi("ProfileExternalIds"),
  "Identifiers, oldest first, paged.",
);
export const eventsRoute = profileRoute(
  "events",
  "A profile's events (14 days)",
  z.object({
    limit: queryWholeNumber(100, 10),
    sort: queryChoice(["asc", "desc"], "Newest first (`desc`, the default) or oldest first."),
    start: queryInstant("Events at or after this time."),
    end: queryInstant("Events before this time."),
    exclude: queryList("Comma-separated event types or names to leave out."),
    next: cursor,
    cursor,
  }),
  z.object({ data: z.array(z.record(z.string(), z.unknown())), cursor: Cursor }).openapi("ProfileEvents"),
  "Events, paged.",
);
export const metadataRoute = profileRoute(
  "metadata",
  "A profile's metadata, with its segment_id",
  z.object({}),
  z
    .object({
      metadata: z.object({
        segment_id: z.string(),
        created_at: z.string(),
        updated_at: z.string(),
        expires_at: z.null(),
        first_message_id: z.string().nullable(),
        first_source_id: z.string().nullable(),
        last_message_id: z.string().nullable(),
        last_source_id: z.string().nullable(),
      }),
    })
    .openapi("ProfileMetadata"),
  "The metadata; `segment_id` is the profile's stable id.",
);
export const consentRoute = profileRoute(
  "consent",
  "A user's consent preferences (Sluice's own resource)",
  z.object({}),
  z
    .object({
      consent: z
        .object({
          categoryPreferences: z
            .record(z.string(), z.boolean())
            .openapi({ description: "Consent category id → consented, as the event's `context.consent.categoryPreferences` gave it." }),
          updatedAt: z.string().openapi({ description: "Timestamp of the event that recorded it (ISO-8601 UTC)." }),
        })
        .nullable()
        .openapi({ description: "null until a `Segment Consent Preference Updated` track or an identify with the consent object is recorded." }),
    })
    .openapi("ProfileConsent"),
  "The newest consent preferences recorded: the latest `Segment Consent Preference Updated` track or identify with `context.consent.categoryPreferences`, by event timestamp; merges keep the newest.",
);
export const linksRoute = profileRoute(
  "links",
  "Accounts a user belongs to (or users of an account)",
  z.object({}),
  z
    .object({
      data: z.array(
        z.object({
          to_collection: z.string(),
          external_ids: z.array(
            z.object({ id: z.string(), type: z.string(), source_id: z.string(), collection: z.string(), created_at: z.string(), encoding: z.literal("none") }),
          ),
        }),
      ),
    })
    .openapi("ProfileLinks"),
  "The links.",
);
