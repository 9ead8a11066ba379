import { subscriptionKey, type Subscription } from "./actions/subscriptions";
import type { AttemptRecord } from "./deliver";
import { MASK } from "./destination-settings";
import type { Destination } from "./destination-store";
import { isSealed, oauthPurpose } from "./sealed-settings";
import type { RegisteredDestinationType, UnitContext } from "./types";

export interface PreviewedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SubscriptionPreview {
  /** The subscription's name (an Actions destination), or the type's name (one unit per event). */
  name: string;
  partnerAction: string | null;
  subscribe: string | null;
  matched: boolean;
  requests: PreviewedRequest[];
  /** Why the action would not send (the payload failed its schema, a required field is missing). */
  error: string | null;
}

/** The answer every previewed request gets: an empty JSON success, so actions that read answers go on. */
const PREVIEW_ANSWER = () => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });

/**
 * The exact requests a destination would send for `event`, per subscription, without sending
 * them: each action runs against a fetcher that answers every request with `{}`. Secret settings
 * (and anything made from them, such as an Authorization header) are masked.
 */
export async function previewDestination(
  type: RegisteredDestinationType,
  destination: Destination,
  event: Record<string, unknown>,
  context?: UnitContext,
): Promise<SubscriptionPreview[]> {
  // Never saves: the stand-in answers cannot call for a token refresh.
  const units = await type.units([event], destination.settings, context?.secrets ? { secrets: context.secrets } : {});
  const mask = secretMasker(type, await openedSettings(type, destination, context));
  const previews: SubscriptionPreview[] = [];
  // An Actions destination's, as its type parsed them; a built-in type has none (one unit per event).
  const subscriptions = Array.isArray(destination.settings.subscriptions) ? (destination.settings.subscriptions as Subscription[]) : null;
  const previewed = new Set<string>();
  for (const unit of units) {
    const attempts: AttemptRecord[] = [];
    const [outcome] = await unit.send(
      () => Promise.resolve(PREVIEW_ANSWER()),
      (attempt) => attempts.push(attempt),
    );
    const subscription = subscriptions?.find((candidate) => subscriptionKey(candidate) === unit.key);
    if (subscriptions && !subscription) continue; // the refusal of an event no subscription takes
    if (unit.key) previewed.add(unit.key);
    previews.push({
      name: unit.label ?? destination.type,
      partnerAction: subscription?.partnerAction ?? null,
      subscribe: subscription?.subscribe ?? null,
      matched: true,
      requests: attempts.map(({ request }) => mask(request)),
      error: outcome && outcome.kind !== "delivered" ? outcome.reason : null,
    });
  }
  for (const subscription of subscriptions ?? []) {
    if (previewed.has(subscriptionKey(subscription))) continue;
    previews.push({
      name: subscription.name ?? subscription.partnerAction,
      partnerAction: subscription.partnerAction,
      subscribe: subscription.subscribe,
      matched: false,
      requests: [],
      error: subscription.enabled === false ? "disabled" : null,
    });
  }
  return previews;
}

/** The settings with sealed values opened, so the masker knows the secrets the requests carry. */
async function openedSettings(type: RegisteredDestinationType, destination: Destination, context?: UnitContext): Promise<Record<string, unknown>> {
  const oauth = destination.settings.oauth;
  if (!isSealed(oauth) || !context?.secrets) return destination.settings;
  return { ...destination.settings, oauth: JSON.parse(await context.secrets.open(oauthPurpose(type.type), oauth.sealed)) as unknown };
}

/** Replaces every secret setting's value (raw, URL-encoded or base64) with the mask, and credentials headers whole. */
function secretMasker(type: RegisteredDestinationType, settings: Record<string, unknown>): (request: AttemptRecord["request"]) => PreviewedRequest {
  const values = type.secrets
    .flatMap((key) => secretStrings(settings[key]))
    .filter((value) => value.length >= 4)
    .flatMap((value) => [value, encodeURIComponent(value), base64(value)])
    .sort((a, b) => b.length - a.length);
  const hide = (text: string) => values.reduce((masked, value) => masked.split(value).join(MASK), text);
  return (request) => ({
    method: request.method,
    url: hide(request.url),
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, /^(authorization|proxy-authorization|cookie)$/i.test(name) ? MASK : hide(value)]),
    ),
    body: hide(request.body),
  });
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

function secretStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(secretStrings);
  return [];
}
