import { BUILT_IN_TYPES, destinationType, type RegisteredDestinationType } from "./types";
import type { Destination } from "./destination-store";

/** What the admin API and the console show for a secret setting; sending it back keeps the stored value. */
export const MASK = "********";

export const DESTINATION_TYPE_NAMES = `${Object.keys(BUILT_IN_TYPES).join(", ")} or actions:<slug> (GET /api/v1/catalog/destinations)`;

/** A problem with what was given, naming the field to fix (`type`, `settings.url`…). */
export interface SettingsProblem {
  field: string;
  message: string;
}

export function destinationTypeOf(type: string): RegisteredDestinationType | SettingsProblem {
  const found = destinationType(type);
  if (found?.unavailable) return { field: "type", message: `type: ${found.unavailable}.` };
  return found ?? { field: "type", message: `type must be one of ${DESTINATION_TYPE_NAMES}.` };
}

/**
 * A destination's settings checked by its type's own schema, as the admin API and the console
 * save them; a masked secret given back keeps `current`'s value.
 */
export function checkDestinationSettings(
  type: string,
  given: Record<string, unknown>,
  current: Record<string, unknown> = {},
): { ok: true; settings: Record<string, unknown> } | ({ ok: false } & SettingsProblem) {
  const found = destinationTypeOf(type);
  if (!("parseSettings" in found)) return { ok: false, ...found };
  const unmasked = { ...given };
  for (const secret of found.secrets) if (unmasked[secret] === MASK) unmasked[secret] = current[secret];
  const parsed = found.parseSettings(unmasked);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = `settings.${issue.path.join(".")}`;
  return { ok: false, field, message: `${field}: ${issue.message}` };
}

/** A destination as shown outside: its secrets masked. */
export function withMaskedSecrets(destination: Destination): Destination {
  const masked = { ...destination.settings };
  const type = destinationType(destination.type);
  const secrets = type?.unavailable ? Object.keys(masked).filter((key) => key !== "subscriptions") : (type?.secrets ?? []);
  for (const secret of secrets) if (masked[secret] !== undefined) masked[secret] = MASK;
  return { ...destination, settings: masked };
}
