import { z } from "zod";
import { parseStoredJson } from "../storage/stored-json";

/**
 * A source's schema settings, Segment's Public API names (`PATCH /sources/{id}/settings`). Not
 * documented defaults are "allow everything": blocking is a step Segment tells users to take after
 * resolving the violations a newly connected plan shows.
 */
export interface SchemaSettings {
  track: {
    allowUnplannedEvents: boolean;
    allowUnplannedEventProperties: boolean;
    allowEventOnViolations: boolean;
    allowPropertiesOnViolations: boolean;
    commonEventOnViolations: "ALLOW" | "BLOCK" | "OMIT_PROPERTIES";
  };
  identify: TraitSettings;
  group: TraitSettings;
  /** Source id that gets a `Violation Generated` track call per violation. */
  forwardingViolationsTo: string | null;
  /** Source id that gets every blocked event. */
  forwardingBlockedEventsTo: string | null;
}

export interface TraitSettings {
  allowUnplannedTraits: boolean;
  allowTraitsOnViolations: boolean;
  commonEventOnViolations: "ALLOW" | "BLOCK" | "OMIT_TRAITS";
}

export const DEFAULT_SCHEMA_SETTINGS: SchemaSettings = {
  track: {
    allowUnplannedEvents: true,
    allowUnplannedEventProperties: true,
    allowEventOnViolations: true,
    allowPropertiesOnViolations: true,
    commonEventOnViolations: "ALLOW",
  },
  identify: { allowUnplannedTraits: true, allowTraitsOnViolations: true, commonEventOnViolations: "ALLOW" },
  group: { allowUnplannedTraits: true, allowTraitsOnViolations: true, commonEventOnViolations: "ALLOW" },
  forwardingViolationsTo: null,
  forwardingBlockedEventsTo: null,
};

/** Segment's own example sends `"Block"`: enum values are taken in any case. */
const upperEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (typeof value === "string" ? value.toUpperCase() : value), z.enum(values, { error: `must be one of ${values.join(", ")}` }));

const flag = z.boolean({ error: "must be true or false" });

/** A settings update: every field optional; what is left out keeps its current value. */
export const schemaSettingsPatch = z.strictObject({
  track: z
    .strictObject({
      allowUnplannedEvents: flag,
      allowUnplannedEventProperties: flag,
      allowEventOnViolations: flag,
      allowPropertiesOnViolations: flag,
      commonEventOnViolations: upperEnum(["ALLOW", "BLOCK", "OMIT_PROPERTIES"] as const),
    })
    .partial()
    .optional(),
  identify: traitPatch().optional(),
  group: traitPatch().optional(),
  forwardingViolationsTo: z.string().min(1).nullable().optional(),
  forwardingBlockedEventsTo: z.string().min(1).nullable().optional(),
});

function traitPatch() {
  return z
    .strictObject({
      allowUnplannedTraits: flag,
      allowTraitsOnViolations: flag,
      commonEventOnViolations: upperEnum(["ALLOW", "BLOCK", "OMIT_TRAITS"] as const),
    })
    .partial();
}

export type SchemaSettingsPatch = z.infer<typeof schemaSettingsPatch>;

/**
 * Settings as stored (`source_protocols.settings`): what `schemaSettingsPatch` accepted, applied
 * over the defaults, so a row saved before a field existed reads with that field's default.
 */
export function readStoredSettings(text: string, sourceId: string): SchemaSettings {
  return applySettingsPatch(DEFAULT_SCHEMA_SETTINGS, parseStoredJson(schemaSettingsPatch, text, `source_protocols.settings of ${sourceId}`));
}

export function applySettingsPatch(current: SchemaSettings, patch: SchemaSettingsPatch): SchemaSettings {
  return {
    track: { ...current.track, ...patch.track },
    identify: { ...current.identify, ...patch.identify },
    group: { ...current.group, ...patch.group },
    forwardingViolationsTo: patch.forwardingViolationsTo === undefined ? current.forwardingViolationsTo : patch.forwardingViolationsTo,
    forwardingBlockedEventsTo: patch.forwardingBlockedEventsTo === undefined ? current.forwardingBlockedEventsTo : patch.forwardingBlockedEventsTo,
  };
}
