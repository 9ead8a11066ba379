import type { Violation } from "./violations";

/**
 * Segment's system limits on the identity graph (docs: "Unify Limits > Identity"):
 * - "Engage supports up to 100 merges per profile in its identity graph ... No additional merges
 *   will be added once the profile reaches this limit. Event resolution for the profile, however,
 *   will continue."
 * - "Engage supports up to 1000 mappings per profile ... Mappings are external identifier values
 *   ... No additional mappings will be added once the profile reaches this limit. Event
 *   resolution for the profile, however, will continue."
 * - "Engage rejects Identify events with 300 or more traits."
 */
export const MAX_MERGES_PER_PROFILE = 100;
export const MAX_MAPPINGS_PER_PROFILE = 1000;
export const MAX_IDENTIFY_TRAITS = 300;

/**
 * The identify call's trait count check. Only `identify` is rejected (the doc names Identify
 * events); the count is of top-level trait keys, as Segment counts traits.
 */
export function checkIdentifyTraitCount(event: { type?: unknown; traits?: unknown }): Violation | undefined {
  if (event.type !== "identify") return undefined;
  const traits = event.traits;
  if (typeof traits !== "object" || traits === null || Array.isArray(traits)) return undefined;
  const count = Object.keys(traits).length;
  if (count < MAX_IDENTIFY_TRAITS) return undefined;
  return {
    reason: "Identify trait limit exceeded",
    message:
      `The identify call has ${count} traits; profiles accept identify calls with fewer than ` +
      `${MAX_IDENTIFY_TRAITS}, so it was not applied. Split the traits over several identify calls.`,
  };
}
