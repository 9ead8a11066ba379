import { z } from "zod";
import type { DeliveryOutcome } from "../delivery-policy";
import type { DeliveryUnit } from "../destination-type";
import { isSealed, type SealedValue } from "../sealed-settings";
import type { RegisteredDestinationType, UnitContext } from "../types";
import { actionsDefinition, actionsTypeName } from "./catalog";
import { ActionsSession } from "./actions-session";
import { Destination, type DestinationDefinition } from "./framework/segment-actions.bundle.cjs";
import { oauthSchema, splitSettings, type OAuthTokens } from "./stored-settings";
import { defaultSubscriptions, subscriptionKey, subscriptionMatcher, subscriptionProblem, subscriptionsSchema, type Subscription } from "./subscriptions";

const OAUTH_SCHEMES = new Set(["oauth2", "oauth-managed"]);

/** An action's batch is at most this many events, whatever its mapping asks (a DELIVERIES message holds no more). */
const MAX_ACTION_BATCH = 1_000;

const problem = (path: (string | number)[], message: string) => ({
  success: false as const,
  error: new z.ZodError([{ code: "custom", path, message, input: undefined }]),
});

/** Settings fields Segment marks as secrets (type `password`), and the OAuth tokens. */
function secretFields(definition: DestinationDefinition): string[] {
  const fields = definition.authentication?.fields ?? {};
  return [...Object.keys(fields).filter((key) => fields[key]!.type === "password"), "oauth"];
}

/**
 * One of Segment's Actions destinations as a Sluice destination type (`actions:<slug>`): settings
 * checked by the destination's own fields, subscriptions by Segment's FQL parser, and each event
 * delivered by running every matching subscription's action in Segment's framework.
 */
export function actionsDestinationType(slug: string): RegisteredDestinationType {
  const definition = actionsDefinition(slug);
  const framework = new Destination(definition);
  const usesOAuth = OAUTH_SCHEMES.has(definition.authentication?.scheme ?? "");
  return {
    type: actionsTypeName(slug),
    secrets: secretFields(definition),
    parseSettings(input) {
      if (typeof input !== "object" || input === null || Array.isArray(input)) return problem([], "settings must be an object");
      const { subscriptions: givenSubscriptions, oauth: givenOAuth, ...given } = input as Record<string, unknown>;
      const subscriptions =
        givenSubscriptions === undefined
          ? { success: true as const, data: defaultSubscriptions(definition) }
          : subscriptionsSchema.safeParse(givenSubscriptions);
      if (!subscriptions.success) {
        const issue = subscriptions.error.issues[0]!;
        return problem(["subscriptions", ...(issue.path as (string | number)[])], issue.message);
      }
      const wrong = subscriptionProblem(definition, subscriptions.data);
      if (wrong) return problem(["subscriptions", ...wrong.path], wrong.message);
      let oauth: OAuthTokens | SealedValue | undefined;
      if (isSealed(givenOAuth)) {
        oauth = givenOAuth;
      } else if (givenOAuth !== undefined) {
        if (!usesOAuth) return problem(["oauth"], `${definition.name} does not authenticate with OAuth`);
        const parsed = oauthSchema.safeParse(givenOAuth);
        if (!parsed.success) return problem(["oauth", ...(parsed.error.issues[0]!.path as (string | number)[])], parsed.error.issues[0]!.message);
        oauth = parsed.data;
      }
      // The framework's own check, which also coerces values and drops unknown keys, as Segment does.
      const settings = structuredClone(given);
      try {
        framework.validateSettings(settings);
      } catch (error) {
        return problem([], error instanceof Error ? error.message : String(error));
      }
      return { success: true, data: { ...settings, subscriptions: subscriptions.data, ...(oauth ? { oauth } : {}) } };
    },
    accepts(event, stored) {
      return splitSettings(stored).subscriptions.some((subscription) => subscription.enabled && subscriptionMatcher(subscription)(event));
    },
    units(events, stored, context) {
      return Promise.resolve(actionUnits(framework, usesOAuth, actionsTypeName(slug), events, stored, context));
    },
    // Segment forwards a regulation's deletion to destinations that define onDelete (Amplitude, Braze…).
    ...(definition.onDelete
      ? {
          deletions(subjects, stored, context = {}) {
            const session = new ActionsSession(framework, usesOAuth, actionsTypeName(slug), splitSettings(stored), context);
            return Promise.resolve(
              subjects.map((subject, index) => ({
                events: [index],
                send: async (fetcher: typeof fetch) => [await session.deleteSubject(subject.userId, fetcher)],
              })),
            );
          },
        }
      : {}),
  };
}

/**
 * The units for a batch: per enabled subscription, its matching events, one per unit, or in
 * chunks when its mapping enables batching and the action can. An event no subscription takes
 * (they changed after routing) is refused, so it shows in the dead letters rather than vanishing.
 */
function actionUnits(
  framework: Destination,
  usesOAuth: boolean,
  type: string,
  events: readonly Record<string, unknown>[],
  stored: Record<string, unknown>,
  context: UnitContext = {},
): DeliveryUnit[] {
  const current = splitSettings(stored);
  const session = new ActionsSession(framework, usesOAuth, type, current, context);
  const units: DeliveryUnit[] = [];
  const enabled = current.subscriptions.filter((subscription) => subscription.enabled);
  const matchers = enabled.map((subscription) => ({ subscription, key: subscriptionKey(subscription), matches: subscriptionMatcher(subscription) }));
  const matchingKeys = events.map((event) => matchers.filter(({ matches }) => matches(event)).map(({ key }) => key));
  /** A retried event goes again only to the subscriptions it still owes; to all of them if those changed since. */
  const sendsTo = (index: number, key: string) => {
    const owed = context.owed?.(index)?.filter((owedKey) => matchingKeys[index]!.includes(owedKey));
    return !owed?.length || owed.includes(key);
  };
  for (const { subscription, key } of matchers) {
    const indexes = events.flatMap((_, index) => (matchingKeys[index]!.includes(key) && sendsTo(index, key) ? [index] : []));
    const batchSize = batchSizeOf(framework, subscription);
    const groups = batchSize === null ? indexes.map((index) => [index]) : chunk(indexes, batchSize);
    for (const group of groups) {
      units.push({
        events: group,
        label: subscription.name ?? subscription.partnerAction,
        key,
        send: (fetcher, record) => session.send({ subscription, events: group.map((index) => events[index]!), batched: batchSize !== null }, fetcher, record),
      });
    }
  }
  const untaken = events.flatMap((_, index) => (matchingKeys[index]!.length > 0 ? [] : [index]));
  if (untaken.length > 0) {
    const refused: DeliveryOutcome = { kind: "failed", reason: "matched no enabled subscription" };
    units.push({ events: untaken, send: () => Promise.resolve(untaken.map(() => refused)) });
  }
  return units;
}

function batchSizeOf(framework: Destination, subscription: Subscription): number | null {
  if (subscription.mapping.enable_batching !== true || !framework.actions[subscription.partnerAction]?.hasBatchSupport) return null;
  const asked = Number(subscription.mapping.batch_size);
  return Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_ACTION_BATCH) : MAX_ACTION_BATCH;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
