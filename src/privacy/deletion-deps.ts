import type { Destination } from "../destinations/destination-store";
import type { RegisteredDestinationType, UnitContext } from "../destinations/types";
import type { Covered } from "./covered";
import type { DeletionState, DeletionStep } from "./deletion-state";
import type { RegulationProgress, RegulationStatus } from "./regulation";

/** What a deletion asks of one dedupe shard (DedupeObject.purge). */
export interface OutboxPurger {
  purge(keys: string[]): Promise<{ removed: number; messageIds: string[] }>;
}

/** What a deletion asks of a source's DebuggerObject (and of a ReplayObject: the same call). */
export interface DebuggerPurger {
  purge(keys: string[]): Promise<number>;
}

/** What a deletion asks of an identity index shard (IdentityIndexObject). */
export interface IndexShardEraser {
  lookup(keys: string[]): Promise<(string | null)[]>;
  release(keys: string[], profileIds: string[]): Promise<number>;
}

/** What a profile tells a deletion before it is erased (ProfileObject.erasureScope). */
export interface ErasureScope {
  exists: boolean;
  collection: "users" | "accounts" | null;
  mergedInto: string | null;
  /** Profiles merged into this one: each still holds its own copy of what it had. */
  absorbed: string[];
  identifierKeys: string[];
  /** Account profiles it links to (they hold its group calls and a link back). */
  accountIds: string[];
}

/** What a deletion asks of a ProfileObject. */
export interface ProfileEraser {
  erasureScope(): Promise<ErasureScope>;
  erase(): Promise<boolean>;
  forget(keys: string[], profileIds: string[]): Promise<{ events: number; links: number; mergedInto: string | null }>;
}

/**
 * A deletion's connections to the stores it erases from; workers/regulation-object.ts wires them
 * to the Worker's bindings, tests swap single parts (the bucket, to count reads or to crash).
 */
export interface DeletionDeps {
  state: DeletionState;
  /** The R2 bucket of the archive and dead letters, asked for by the step that uses it. */
  bucket: (step: DeletionStep) => R2Bucket;
  db: D1Database;
  spaceId: string;
  /** Every dedupe shard of the space, by name. */
  dedupeShards: () => { name: string; shard: OutboxPurger }[];
  sourceIds: () => Promise<string[]>;
  debugger: (sourceId: string) => DebuggerPurger;
  /** Replays that may hold parked events (not finished), and each one's object. */
  replayIds: () => Promise<string[]>;
  replay: (id: string) => DebuggerPurger;
  indexShard: (name: string) => IndexShardEraser;
  profile: (id: string) => ProfileEraser;
  /** Enabled destinations when the step starts. */
  destinations: () => Promise<Destination[]>;
  /** One destination, enabled or not, or null when it is gone. */
  destination: (id: string) => Promise<Destination | null>;
  destinationType: (type: string) => RegisteredDestinationType | undefined;
  /** What a destination's type may need while it forwards (sealed OAuth tokens). */
  destinationContext?: (destinationId: string) => UnitContext;
  fetcher: typeof fetch;
  /** Asks every source's warehouse sync to run; rejects naming the sources it could not start. */
  startWarehouseSyncs: () => Promise<unknown>;
  /** Publishes status and progress where the Regulations API reads them (D1 `regulations`). */
  report: (status: RegulationStatus, progress: RegulationProgress, error: string | null) => Promise<void>;
  now: () => number;
  random: () => number;
  firstRetryDelaySeconds?: number;
}

/** What a step is given: the deps, what the regulation covers, and when this alarm's time is up. */
export interface StepContext {
  deps: DeletionDeps;
  covered: Covered;
  deadline: number;
}

/** A step is done, or wants to run again at `wakeAt` (now, when only its time ran out). */
export type StepResult = "done" | { wakeAt: number };
