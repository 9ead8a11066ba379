import type { AppEnv } from "../env";
import type { DebuggerEntry, JourneyUpdate } from "./entry";

/**
 * What callers use of a source's DebuggerObject (workers/debugger-object.ts). Typed here once:
 * the generated RPC types cannot express an entry's `event` (any JSON, `unknown` to TypeScript)
 * and would type every method `never`.
 */
export interface DebuggerStub {
  record(entries: DebuggerEntry[]): Promise<void>;
  update(journeys: JourneyUpdate[]): Promise<void>;
  recent(): Promise<DebuggerEntry[]>;
  /** Removes the entries of the people whose identifier keys are `keys`; answers how many went. */
  purge(keys: string[]): Promise<number>;
  fetch(request: Request): Promise<Response>;
}

/** One object per source, named `<SPACE_ID>/<sourceId>`. */
export const debuggerObjectName = (spaceId: string, sourceId: string) => `${spaceId}/${sourceId}`;

export function debuggerFor(env: Pick<AppEnv, "DEBUGGER" | "SPACE_ID">, sourceId: string): DebuggerStub {
  // The generated stub's methods answer `never`, which this interface accepts as it is.
  return env.DEBUGGER.get(env.DEBUGGER.idFromName(debuggerObjectName(env.SPACE_ID, sourceId)));
}
