import { DestinationStore } from "./destination-store";
import { settingsSecrets } from "./sealed-settings";
import type { UnitContext } from "./types";

/** What a destination's delivery may need from the Worker: its sealed settings opened, and changed settings saved. */
export function destinationContext(env: { DB: D1Database; SECRETS_KEY?: string }, destinationId: string): UnitContext {
  const secrets = settingsSecrets(env);
  return {
    ...(secrets ? { secrets } : {}),
    saveSettings: (settings) => new DestinationStore(env.DB).saveSettings(destinationId, settings, new Date()),
  };
}
