import type { ConsentRecord } from "./consent";
import type { Collection } from "./index-shards";
import type { ProfileLink, ProfileMetadata, StoredIdentifier } from "./profile-record";
import type { TraitState } from "./traits";

/** The Profile API's reads of a ProfileObject (workers/profile-object.ts). */
export interface EventQuery {
  start?: string;
  end?: string;
  sort: "asc" | "desc";
  exclude: string[];
  offset: number;
  limit: number;
}

/** Everything the Profile API shows but events; `mergedInto` set means "ask that profile". */
export interface ProfileView {
  exists: boolean;
  id: string;
  collection: Collection | null;
  mergedInto: string | null;
  /** Sealed as merged but not yet absorbed by the survivor (a merge in flight or cut short). */
  mergePending: boolean;
  traits: TraitState;
  identifiers: StoredIdentifier[];
  links: ProfileLink[];
  metadata: ProfileMetadata | null;
  /** The newest consent preferences recorded, or null when none was. */
  consent: ConsentRecord | null;
}
