import { z } from "zod";
import { subscriptions as fql, type DestinationDefinition } from "./framework/segment-actions.bundle.cjs";

/** Segment: a destination holds at most 50 mappings. */
export const MAX_SUBSCRIPTIONS = 50;

/** One mapping of an Actions destination, as Segment's Public API and the framework spell it. */
export const subscriptionSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  subscribe: z.string({ error: 'subscribe is required: an FQL condition such as type = "track"' }).min(1).max(5_000),
  partnerAction: z.string({ error: "partnerAction is required: one of the destination's actions" }).min(1),
  mapping: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});

export type Subscription = z.infer<typeof subscriptionSchema>;

export const subscriptionsSchema = z.array(subscriptionSchema).max(MAX_SUBSCRIPTIONS, { error: `at most ${MAX_SUBSCRIPTIONS} subscriptions` });

/**
 * The destination's automatic presets: what a new destination subscribes to unless told otherwise.
 * Presets for actions the cloud destination lacks (Amplitude's browser session tracking lives in
 * its device-mode plugin) are left out.
 */
export function defaultSubscriptions(definition: DestinationDefinition): Subscription[] {
  return (definition.presets ?? []).flatMap((preset) =>
    preset.type === "automatic" && Object.hasOwn(definition.actions, preset.partnerAction)
      ? [
          {
            name: preset.name ?? preset.partnerAction,
            subscribe: preset.subscribe,
            partnerAction: preset.partnerAction,
            mapping: preset.mapping ?? {},
            enabled: true,
          },
        ]
      : [],
  );
}

/** A problem with one subscription: its path under `subscriptions` and what is wrong. */
export interface SubscriptionProblem {
  path: (string | number)[];
  message: string;
}

/** Checks what zod cannot: the action exists, and the condition parses in Segment's own FQL parser. */
export function subscriptionProblem(definition: DestinationDefinition, subscriptions: readonly Subscription[]): SubscriptionProblem | null {
  for (const [index, subscription] of subscriptions.entries()) {
    if (!Object.hasOwn(definition.actions, subscription.partnerAction)) {
      const actions = Object.keys(definition.actions).join(", ");
      return { path: [index, "partnerAction"], message: `no action ${subscription.partnerAction} in ${definition.name}; one of ${actions}` };
    }
    const parsed = fql.parseFql(subscription.subscribe);
    if (parsed.error) return { path: [index, "subscribe"], message: `not a valid condition: ${parsed.error.message}` };
  }
  return null;
}

const matchers = new WeakMap<Subscription, (event: Record<string, unknown>) => boolean>();

/**
 * A subscription's condition, parsed once per subscription object (routing asks for every event
 * of a batch, against the same loaded settings) and matched against events.
 */
export function subscriptionMatcher(subscription: Subscription): (event: Record<string, unknown>) => boolean {
  let matcher = matchers.get(subscription);
  if (!matcher) {
    const parsed = fql.parseFql(subscription.subscribe);
    matcher = parsed.error ? () => false : (event) => fql.validate(parsed, event);
    matchers.set(subscription, matcher);
  }
  return matcher;
}

/** A subscription's identity across retries and in previews; an edited subscription is a new one. */
export const subscriptionKey = (subscription: Pick<Subscription, "name" | "partnerAction" | "subscribe">) =>
  JSON.stringify([subscription.name ?? "", subscription.partnerAction, subscription.subscribe]);
