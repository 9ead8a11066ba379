import { isValidIdentifierType, type Identifier } from "./identifier";
import type { CustomIdentifier } from "./identity-config";

/**
 * Reads the identifiers Segment promotes from an event (docs: "Identity Resolution Onboarding >
 * Segment's 11 default" and "Identity Resolution ExternalIDs"):
 *
 * | type               | message location                                                              |
 * | user_id            | userId                                                                        |
 * | email              | traits.email or context.traits.email                                          |
 * | android.id         | context.device.id when context.device.type = 'android'                        |
 * | android.idfa       | context.device.advertisingId when type = 'android' AND adTrackingEnabled = true |
 * | android.push_token | context.device.token when context.device.type = 'android'                     |
 * | anonymous_id       | anonymousId                                                                   |
 * | cross_domain_id    | "cross_domain_id when XID is enabled"; the Profile API's example event carries it as context.traits.crossDomainId |
 * | ga_client_id       | context.integrations['Google Analytics'].clientId "when explicitly captured by users" |
 * | group_id           | groupId                                                                       |
 * | ios.id / ios.idfa / ios.push_token | as android, when context.device.type = 'ios'                  |
 *
 * plus `context.externalIds` ("id, type, collection, encoding ... all required"; "accepts lowercase
 * types for identifiers only in the context.externalIds object") and the workspace's custom
 * trait/property keys ("Segment accepts both camelCase and snake_case for context.traits, traits,
 * and properties").
 *
 * Users and accounts are separate collections. `group_id` identifies the account, not the user:
 * the Profile API looks accounts up as `collections/accounts/profiles/group_id:<id>` and lists a
 * user's accounts under `/links` with `"collection": "accounts"` external ids, and SQL traits key
 * "group_id for account traits". Putting it on the user would merge every anonymous member of a
 * company into one person. So a group call yields the user's identifiers (to find the user) and
 * the account's (to find the account), and the caller links the two.
 */
export interface ExtractedIdentifiers {
  users: Identifier[];
  accounts: Identifier[];
}

/**
 * Longer values are not promoted. Segment drops events whose groupId has more than 500
 * characters (docs: "Unify ingestion limitations"); Sluice bounds every identifier, generously,
 * because blocked-value patterns run on these values (in time proportional to their length,
 * src/regex/linear-regex.ts).
 */
export const MAX_IDENTIFIER_VALUE_LENGTH = 1000;

type Json = Record<string, unknown>;

export function extractIdentifiers(event: Json, customIdentifiers: readonly CustomIdentifier[] = []): ExtractedIdentifiers {
  const users = new IdentifierList();
  const accounts = new IdentifierList();
  const type = event.type;
  const context = objectAt(event, "context");
  const contextTraits = objectAt(context, "traits");
  // A group call's traits describe the account, not the user; only identify's are the user's.
  const userTraits = type === "identify" ? objectAt(event, "traits") : undefined;
  const properties = type === "track" || type === "page" || type === "screen" ? objectAt(event, "properties") : undefined;

  users.add("user_id", event.userId);
  users.add("email", userTraits?.email);
  users.add("email", contextTraits?.email);
  addDeviceIdentifiers(users, objectAt(context, "device"));
  users.add("anonymous_id", event.anonymousId);
  users.add("cross_domain_id", contextTraits?.crossDomainId);
  users.add("ga_client_id", googleAnalyticsClientId(event, context));
  if (type === "group") accounts.add("group_id", event.groupId);

  for (const external of arrayAt(context, "externalIds")) {
    const target = external.collection === "users" ? users : external.collection === "accounts" ? accounts : undefined;
    const encoding = external.encoding ?? "none";
    if (!target || encoding !== "none" || typeof external.type !== "string") continue;
    const externalType = external.type.toLowerCase();
    if (isValidIdentifierType(externalType)) target.add(externalType, external.id);
  }

  for (const custom of customIdentifiers) {
    for (const source of [userTraits, contextTraits, properties]) {
      for (const key of keySpellings(custom.key)) users.add(custom.type, source?.[key]);
    }
  }
  return { users: users.list, accounts: accounts.list };
}

function addDeviceIdentifiers(users: IdentifierList, device: Json | undefined): void {
  const platform = typeof device?.type === "string" ? device.type.toLowerCase() : undefined;
  if (!device || (platform !== "ios" && platform !== "android")) return;
  users.add(`${platform}.id`, device.id);
  // The advertising id identifies the person only while they allow ad tracking.
  if (device.adTrackingEnabled === true) users.add(`${platform}.idfa`, device.advertisingId);
  users.add(`${platform}.push_token`, device.token);
}

/**
 * The doc names `context.integrations['Google Analytics'].clientId`; Segment's libraries put
 * per-call integration options at the top level (`integrations`), so both are read.
 */
function googleAnalyticsClientId(event: Json, context: Json | undefined): unknown {
  const fromContext = objectAt(objectAt(context, "integrations"), "Google Analytics")?.clientId;
  return fromContext ?? objectAt(objectAt(event, "integrations"), "Google Analytics")?.clientId;
}

/** `member_id` also finds `memberId`, and `memberId` also `member_id`. */
function keySpellings(key: string): string[] {
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const snake = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  return [...new Set([key, camel, snake])];
}

/** Ordered, deduplicated identifiers; values are non-blank strings (numbers are stringified). */
class IdentifierList {
  readonly list: Identifier[] = [];
  private readonly seen = new Set<string>();

  add(type: string, raw: unknown): void {
    const value = typeof raw === "string" ? raw : typeof raw === "number" && Number.isFinite(raw) ? String(raw) : undefined;
    if (value === undefined || value.trim() === "" || value.length > MAX_IDENTIFIER_VALUE_LENGTH) return;
    const key = `${type}:${value}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ type, value });
  }
}

function objectAt(parent: Json | undefined, key: string): Json | undefined {
  const value = parent?.[key];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function arrayAt(parent: Json | undefined, key: string): Json[] {
  const value = parent?.[key];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is Json => typeof item === "object" && item !== null && !Array.isArray(item));
}
