import type { z } from "zod";
import type { DeletionSubject, DestinationType, OutgoingRequest } from "../destination-type";
import { segmentDestination } from "./segment";
import { webhookDestination } from "./webhook";

/**
 * A destination type as the pipeline and the admin API use it: settings are plain objects, parsed
 * by the type's own schema on the way in and on every read, and parsed again into the type's own
 * shape before its requests are built, so no settings value is ever cast.
 */
export interface RegisteredDestinationType {
  type: string;
  secrets: readonly string[];
  parseSettings(input: unknown): { success: true; data: Record<string, unknown> } | { success: false; error: z.ZodError };
  requests(events: readonly Record<string, unknown>[], settings: Record<string, unknown>): Promise<OutgoingRequest[]>;
  /** Present when the type takes forwarded deletions. */
  deletions?(subjects: readonly DeletionSubject[], settings: Record<string, unknown>): Promise<OutgoingRequest[]>;
}

function register<Settings extends Record<string, unknown>>(type: DestinationType<Settings>): RegisteredDestinationType {
  return {
    type: type.type,
    secrets: type.secrets,
    parseSettings: (input) => type.settings.safeParse(input),
    requests: (events, settings) => type.requests(events, type.settings.parse(settings)),
    ...(type.deletions ? { deletions: (subjects, settings) => type.deletions!(subjects, type.settings.parse(settings)) } : {}),
  };
}

/** Every destination type by name; adding one is a module here and a line below. */
export const DESTINATION_TYPES: Readonly<Record<string, RegisteredDestinationType>> = {
  webhook: register(webhookDestination),
  segment: register(segmentDestination),
};
