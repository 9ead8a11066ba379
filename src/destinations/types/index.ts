import { z } from "zod";
import { actionsDestinationType } from "../actions/actions-type";
import { ACTIONS_PREFIX, actionsSlugOf } from "../actions/catalog";
import { isPlainObject } from "../../spec/validate-event";
import { requestUnit } from "../deliver";
import type { DeletionSubject, DeliveryUnit, DestinationType } from "../destination-type";
import type { SettingsSecrets } from "../sealed-settings";
import { segmentDestination } from "./segment";
import { webhookDestination } from "./webhook";

/** What a type may need beyond the events and settings while it delivers. */
export interface UnitContext {
  /** Opens and seals settings kept sealed at rest (OAuth tokens). */
  secrets?: SettingsSecrets;
  /**
   * The unit keys a retried event still owes (by index into the batch): the rest of its units took
   * it already and are not sent again. Absent for an event means all of its units.
   */
  owed?(index: number): readonly string[] | undefined;
  /** Saves settings the type changed while delivering (an OAuth destination's refreshed tokens). */
  saveSettings?(settings: Record<string, unknown>): Promise<void>;
}

/**
 * A destination type as the pipeline and the admin API use it: settings are plain objects, parsed
 * by the type's own schema on the way in and on every read, and parsed again into the type's own
 * shape before its units are built, so no settings value is ever cast.
 */
export interface RegisteredDestinationType {
  type: string;
  secrets: readonly string[];
  parseSettings(input: unknown): { success: true; data: Record<string, unknown> } | { success: false; error: z.ZodError };
  /** What delivering `events` takes: requests built ahead, or actions that make their own. */
  units(events: readonly Record<string, unknown>[], settings: Record<string, unknown>, context?: UnitContext): Promise<DeliveryUnit[]>;
  /** Whether the destination wants the event at all (an Actions destination: a subscription matches); absent means every event. */
  accepts?(event: Record<string, unknown>, settings: Record<string, unknown>): boolean;
  /**
   * Why this Worker cannot deliver the type (an `actions:<slug>` left out of this build by
   * SLUICE_ACTIONS): stored destinations of it still read, and their events wait in the dead
   * letters for a redeploy, but none can be created or changed.
   */
  unavailable?: string;
  /** Present when the type takes forwarded deletions: units whose `events` index into `subjects`. */
  deletions?(subjects: readonly DeletionSubject[], settings: Record<string, unknown>, context?: UnitContext): Promise<DeliveryUnit[]>;
}

function register<Settings extends Record<string, unknown>>(type: DestinationType<Settings>): RegisteredDestinationType {
  return {
    type: type.type,
    secrets: type.secrets,
    parseSettings: (input) => type.settings.safeParse(input),
    units: async (events, settings) => (await type.requests(events, type.settings.parse(settings))).map(requestUnit),
    ...(type.deletions ? { deletions: async (subjects, settings) => (await type.deletions!(subjects, type.settings.parse(settings))).map(requestUnit) } : {}),
  };
}

/** The types Sluice implements itself; adding one is a module here and a line below. */
export const BUILT_IN_TYPES: Readonly<Record<string, RegisteredDestinationType>> = {
  webhook: register(webhookDestination),
  segment: register(segmentDestination),
};

const actionsTypes = new Map<string, RegisteredDestinationType>();

/**
 * A destination type by name: a built-in one, `actions:<slug>` for a bundled Actions destination,
 * an unavailable stand-in for an Actions destination this build left out; undefined when unknown.
 */
export function destinationType(name: string): RegisteredDestinationType | undefined {
  if (Object.hasOwn(BUILT_IN_TYPES, name)) return BUILT_IN_TYPES[name];
  const slug = actionsSlugOf(name);
  if (slug === null) return name.startsWith(ACTIONS_PREFIX) ? unavailableType(name) : undefined;
  let type = actionsTypes.get(slug);
  if (!type) {
    type = actionsDestinationType(slug);
    actionsTypes.set(slug, type);
  }
  return type;
}

/** An Actions destination this build left out: readable, never delivered to (its events are refused, so re-drivable later). */
function unavailableType(name: string): RegisteredDestinationType {
  const unavailable = `${name} is not in this Worker's build (GET /api/v1/catalog/destinations lists what it runs; SLUICE_ACTIONS chooses at build time)`;
  return {
    type: name,
    unavailable,
    // Which of its settings are secret is unknown here: all of them are shown masked.
    secrets: [],
    parseSettings: (input) =>
      isPlainObject(input)
        ? { success: true, data: input }
        : { success: false, error: new z.ZodError([{ code: "custom", path: [], message: unavailable, input }]) },
    units: (events) =>
      Promise.resolve([
        { events: events.map((_, index) => index), send: () => Promise.resolve(events.map(() => ({ kind: "failed" as const, reason: unavailable }))) },
      ]),
  };
}
