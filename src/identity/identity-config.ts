import { z } from "zod";
import { isValidIdentifierType } from "./identifier";
import { cachedLinearRegex, compileLinearRegex, warnUnenforced } from "../regex/linear-regex";
import { MAX_MAPPINGS_PER_PROFILE } from "./system-limits";

/**
 * A workspace's Identity Resolution rules (docs: "Identity Resolution Settings"): blocked values,
 * a value limit per identifier type over a window, the priority order, and the custom
 * identifiers read from trait and property keys. Validated when saved (`parseIdentityConfig`),
 * compiled once (`compileIdentityConfig`), then used per event.
 */

/**
 * "Identity Admins can specify the total number of values allowed per identifier type on a
 * profile during a certain period" (a "short sliding window, such as 5 weekly or 5 monthly").
 */
export const LIMIT_WINDOWS = ["ever", "weekly", "monthly", "annually"] as const;
export type LimitWindow = (typeof LIMIT_WINDOWS)[number];

export interface IdentifierLimit {
  /** Values of the type a profile may hold within the window. */
  max: number;
  window: LimitWindow;
}

/**
 * "Zeroes and Dashes (^[0-]*$) Pattern (REGEX)", "-1 / null / anonymous Exact Match". Segment sets
 * them per identifier; `types` absent means every type ("for every identifier, customers opt
 * into automatically blocking the following suggested values").
 */
export interface BlockedValue {
  match: "exact" | "pattern";
  value: string;
  types?: string[];
}

/**
 * "You can also provide a trait or property key to match on to add custom identifiers ...
 * Segment accepts both camelCase and snake_case for context.traits, traits, and properties."
 * `key` is a top-level key (`member_id` also finds `memberId`).
 */
export interface CustomIdentifier {
  type: string;
  key: string;
}

export interface IdentityConfig {
  blockedValues: BlockedValue[];
  /** Per type; types not listed get `defaultLimit`. */
  limits: Record<string, IdentifierLimit>;
  defaultLimit: IdentifierLimit;
  /** Explicit order, highest first; unlisted types follow alphabetically (see priority.ts). */
  priority: string[];
  customIdentifiers: CustomIdentifier[];
}

export const SUGGESTED_BLOCKED_VALUES: BlockedValue[] = [
  { match: "pattern", value: "^[0-]*$" },
  { match: "exact", value: "-1" },
  { match: "exact", value: "null" },
  { match: "exact", value: "anonymous" },
];

/**
 * "Segment defaults to the following configurations: user_id 1, all other identifiers 5". The
 * default table names no window; the custom identifier form defaults its frequency to "Ever",
 * and user_id "should have 1 ever", so both defaults count ever.
 */
export const DEFAULT_IDENTITY_CONFIG: IdentityConfig = {
  blockedValues: SUGGESTED_BLOCKED_VALUES,
  limits: { user_id: { max: 1, window: "ever" } },
  defaultLimit: { max: 5, window: "ever" },
  // "By default, Segment explicitly orders user_id and email as rank 1 and 2, respectively."
  priority: ["user_id", "email"],
  customIdentifiers: [],
};

const TYPE_RULE = "must be a lower-case identifier type of letters, digits, `_`, `.` or `-` (like `phone` or `ios.id`)";
const identifierType = z.string().refine(isValidIdentifierType, { error: TYPE_RULE });

const limit = z.object({
  max: z
    .number()
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1: a type with no values allowed would never identify anyone" })
    .max(MAX_MAPPINGS_PER_PROFILE, {
      error: `must be at most ${MAX_MAPPINGS_PER_PROFILE}, the identifiers a profile can hold`,
    }),
  window: z.enum(LIMIT_WINDOWS, { error: `must be one of ${LIMIT_WINDOWS.join(", ")}` }),
});

const blockedValue = z
  .object({
    match: z.enum(["exact", "pattern"], { error: "must be `exact` or `pattern`" }),
    value: z.string().min(1, { error: "must not be empty" }).max(1000, { error: "must be at most 1000 characters" }),
    types: z.array(identifierType).min(1, { error: "must name at least one type, or be left out for all types" }).optional(),
  })
  .superRefine((blocked, ctx) => {
    if (blocked.match !== "pattern") return;
    const compiled = compileLinearRegex(blocked.value);
    if (!compiled.ok) ctx.addIssue({ code: "custom", path: ["value"], message: `pattern ${compiled.reason}` });
  });

const customIdentifier = z.object({
  type: identifierType,
  key: z.string().regex(/^[A-Za-z0-9_$-]{1,200}$/, { error: "must be one trait or property key (letters, digits, `_`, `$`, `-`)" }),
});

const FIELDS = "blockedValues, limits, defaultLimit, priority, customIdentifiers";

/** The body of a rules update: every field optional, missing ones take the defaults. */
export const identityConfigSchema = z.strictObject(
  {
    blockedValues: z.array(blockedValue).max(100, { error: "may list at most 100 values" }).default(SUGGESTED_BLOCKED_VALUES),
    limits: z
      .record(z.string(), limit)
      .superRefine((limits, ctx) => {
        for (const type of Object.keys(limits)) {
          if (!isValidIdentifierType(type)) ctx.addIssue({ code: "custom", path: [type], message: TYPE_RULE });
        }
      })
      .default(DEFAULT_IDENTITY_CONFIG.limits),
    defaultLimit: limit.default(DEFAULT_IDENTITY_CONFIG.defaultLimit),
    priority: z
      .array(identifierType)
      .refine((types) => new Set(types).size === types.length, { error: "must not list a type twice" })
      .default(DEFAULT_IDENTITY_CONFIG.priority),
    customIdentifiers: z.array(customIdentifier).max(50, { error: "may list at most 50 identifiers" }).default([]),
  },
  {
    error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown fields ${issue.keys.join(", ")}: the fields are ${FIELDS}` : undefined),
  },
);

export type IdentityConfigResult = { ok: true; config: IdentityConfig } | { ok: false; errors: string[] };

/** Validates rules sent by an admin; errors name the field and say what is expected. */
export function parseIdentityConfig(input: unknown): IdentityConfigResult {
  const parsed = identityConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")} ${issue.message}.` : `${issue.message}.`)),
  };
}

export interface CompiledBlockedValue {
  rule: BlockedValue;
  /** Types it applies to; `undefined` for all. */
  types: ReadonlySet<string> | undefined;
  /** A plain function (no `this`), so it can be passed on: `values.filter(blocked.matches)`. */
  matches: (value: string) => boolean;
}

/** The rules ready for per-event use: patterns compiled once, priorities indexed. */
export interface CompiledIdentityConfig {
  config: IdentityConfig;
  blocked: CompiledBlockedValue[];
  priorityIndex: ReadonlyMap<string, number>;
}

export function compileIdentityConfig(config: IdentityConfig = DEFAULT_IDENTITY_CONFIG): CompiledIdentityConfig {
  const blocked = config.blockedValues.map((rule): CompiledBlockedValue => {
    const types = rule.types ? new Set(rule.types) : undefined;
    if (rule.match === "exact") return { rule, types, matches: (value) => value === rule.value };
    const regex = cachedLinearRegex(rule.value);
    if (regex) return { rule, types, matches: (value) => regex.test(value) };
    // Only rules saved before patterns had to run in RE2 (linear-regex.ts) can hold one it refuses:
    // natively it could backtrack for minutes on a long value, so it blocks nothing until saved again.
    warnUnenforced(rule.value);
    return { rule, types, matches: () => false };
  });
  return { config, blocked, priorityIndex: new Map(config.priority.map((type, index) => [type, index])) };
}

/** The limit that applies to `type`. */
export function limitFor(config: CompiledIdentityConfig, type: string): IdentifierLimit {
  return config.config.limits[type] ?? config.config.defaultLimit;
}
