import { z } from "zod";
import type { AttemptRecord } from "../deliver";
import type { DeliveryOutcome } from "../delivery-policy";
import type { DeliveryUnit } from "../destination-type";
import { isSealed, oauthPurpose, type SealedValue } from "../sealed-settings";
import type { RegisteredDestinationType, UnitContext } from "../types";
import { actionsDefinition, actionsTypeName } from "./catalog";
import { classifyActionError, UnansweredRequest } from "./classify-action-error";
import { Destination, runWithFetch, type ActionResult, type DestinationDefinition } from "./framework/segment-actions.bundle.cjs";
import { defaultSubscriptions, subscriptionMatcher, subscriptionProblem, subscriptionsSchema, type Subscription } from "./subscriptions";

/** OAuth tokens in `settings.oauth`, as Segment's framework reads them (parse-settings). */
const oauthSchema = z
  .object({
    access_token: z.string().max(10_000).optional(),
    refresh_token: z.string().max(10_000).optional(),
    clientId: z.string().max(1_000).optional(),
    clientSecret: z.string().max(1_000).optional(),
    refresh_token_url: z.url().optional(),
  })
  .strict();

const OAUTH_SCHEMES = new Set(["oauth2", "oauth-managed"]);

/** An action's batch is at most this many events, whatever its mapping asks (a DELIVERIES message holds no more). */
const MAX_ACTION_BATCH = 1_000;

type OAuthTokens = z.infer<typeof oauthSchema>;

interface StoredActionsSettings {
  settings: Record<string, unknown>;
  subscriptions: Subscription[];
  /** Sealed at rest (src/destinations/sealed-settings.ts); plain only on the way in, before it is sealed. */
  oauth?: OAuthTokens | SealedValue;
}

/** The stored settings object: the destination's own settings, `subscriptions`, and `oauth` when it uses OAuth. */
function splitSettings(stored: Record<string, unknown>): StoredActionsSettings {
  const { subscriptions, oauth, ...settings } = stored;
  return { settings, subscriptions: subscriptions as Subscription[], ...(oauth ? { oauth: oauth } : {}) };
}

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

/** A subscription's identity across retries; an edited subscription is a new one and takes the event anew. */
const subscriptionKey = (subscription: Subscription) => JSON.stringify([subscription.name ?? "", subscription.partnerAction, subscription.subscribe]);

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

/** One subscription's action for some events: each alone, or together through the action's performBatch. */
interface ActionJob {
  subscription: Subscription;
  events: Record<string, unknown>[];
  batched: boolean;
}

/**
 * Runs actions for one batch with one set of settings, so an OAuth refresh made for one unit
 * serves the others: a 401 from an OAuth destination refreshes its tokens with the destination's
 * own refresh (saved through `context.saveSettings`) and tries once more.
 */
class ActionsSession {
  private refreshing: Promise<void> | null = null;
  private tokens: Promise<OAuthTokens | undefined> | null = null;

  constructor(
    private readonly framework: Destination,
    private readonly usesOAuth: boolean,
    private readonly type: string,
    private current: StoredActionsSettings,
    private readonly context: UnitContext,
  ) {}

  /** The OAuth tokens, opened once per batch from their sealed form. */
  private oauth(): Promise<OAuthTokens | undefined> {
    this.tokens ??= (async () => {
      const stored = this.current.oauth;
      if (!stored || !isSealed(stored)) return stored;
      if (!this.context.secrets) throw new Error("its OAuth tokens are sealed and SECRETS_KEY is not set");
      return oauthSchema.parse(JSON.parse(await this.context.secrets.open(oauthPurpose(this.type), stored.sealed)));
    })();
    return this.tokens;
  }

  async send(job: ActionJob, fetcher: typeof fetch, record?: (attempt: AttemptRecord) => void): Promise<DeliveryOutcome[]> {
    const { events } = job;
    const outcomes = await this.attempt(job, fetcher, record);
    const unauthorized = outcomes.some((outcome) => outcome.kind === "failed" && outcome.reason.startsWith("answered 401"));
    if (!unauthorized || !this.usesOAuth || !(await this.oauth().catch(() => undefined))?.refresh_token) return outcomes;
    try {
      await this.refresh(fetcher, record);
    } catch (error) {
      return events.map(() => ({
        kind: "failed",
        reason: `answered 401 and the OAuth refresh failed: ${error instanceof Error ? error.message : String(error)}`,
      }));
    }
    return this.attempt(job, fetcher, record);
  }

  private async attempt(
    { subscription, events, batched }: ActionJob,
    fetcher: typeof fetch,
    record?: (attempt: AttemptRecord) => void,
  ): Promise<DeliveryOutcome[]> {
    let oauth: OAuthTokens | undefined;
    try {
      oauth = await this.oauth();
    } catch (error) {
      return events.map(() => ({ kind: "failed", reason: `could not authenticate: ${error instanceof Error ? error.message : String(error)}` }));
    }
    const auth = { accessToken: oauth?.access_token, refreshToken: oauth?.refresh_token, refreshTokenUrl: oauth?.refresh_token_url };
    const frameworkSubscription = {
      name: subscription.name,
      subscribe: subscription.subscribe,
      partnerAction: subscription.partnerAction,
      mapping: subscription.mapping,
    };
    try {
      const results = await runWithFetch(recordingFetch(fetcher, record), () =>
        this.framework.onSubscription(frameworkSubscription, batched ? events : events[0]!, structuredClone(this.current.settings), auth),
      );
      return batched ? batchOutcomes(results, events.length) : events.map(() => ({ kind: "delivered" }) as const);
    } catch (error) {
      const outcome = classifyActionError(error, Date.now());
      return events.map(() => outcome);
    }
  }

  /** Runs the destination's own `onDelete` for one person: Segment passes the userId (and an anonymousId when it has one). */
  async deleteSubject(userId: string, fetcher: typeof fetch): Promise<DeliveryOutcome> {
    try {
      const oauth = await this.oauth();
      const settings = { ...structuredClone(this.current.settings), ...(oauth ? { oauth } : {}) };
      await runWithFetch(recordingFetch(fetcher), () => this.framework.onDelete!({ userId }, settings));
      return { kind: "delivered" };
    } catch (error) {
      return classifyActionError(error, Date.now());
    }
  }

  private refresh(fetcher: typeof fetch, record?: (attempt: AttemptRecord) => void): Promise<void> {
    this.refreshing ??= (async () => {
      const settings = { ...structuredClone(this.current.settings), oauth: structuredClone(await this.oauth()) };
      const refreshed = await runWithFetch(recordingFetch(fetcher, record), () => this.framework.handleAuthError(settings));
      const oauth = oauthSchema.parse(refreshed.oauth);
      this.tokens = Promise.resolve(oauth);
      // Stored sealed like the tokens it replaces; without a key to seal them, kept for this batch only.
      if (!this.context.secrets || !this.context.saveSettings) return;
      const sealed = { sealed: await this.context.secrets.seal(oauthPurpose(this.type), JSON.stringify(oauth)) };
      this.current = { ...this.current, oauth: sealed };
      await this.context.saveSettings({ ...this.current.settings, subscriptions: this.current.subscriptions, oauth: sealed });
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}

/** A batch action's answer per event (the framework's multistatus); a missing entry counts as delivered. */
function batchOutcomes(results: readonly ActionResult[], count: number): DeliveryOutcome[] {
  const statuses = results.find((result) => result.multistatus)?.multistatus ?? [];
  return Array.from({ length: count }, (_, index): DeliveryOutcome => {
    const status = statuses[index];
    if (!status || (status.status >= 200 && status.status < 300)) return { kind: "delivered" };
    const reason = `answered ${status.status}${status.errormessage ? ` (${status.errormessage.slice(0, 300)})` : ""}`;
    return status.status === 429 || status.status >= 500 ? { kind: "retry", reason } : { kind: "failed", reason };
  });
}

/** The delivery's fetcher, recording each request and answer; a request that never got an answer is marked so it is retried. */
function recordingFetch(fetcher: typeof fetch, record?: (attempt: AttemptRecord) => void): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = record && request.body ? await request.clone().text() : "";
    const started = Date.now();
    const seen = { url: request.url, method: request.method, headers: Object.fromEntries(request.headers.entries()), body };
    let response: Response;
    try {
      response = await fetcher(request);
    } catch (error) {
      record?.({ request: seen, response: { error: String(error) }, durationMs: Date.now() - started });
      if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) throw error;
      throw new UnansweredRequest(error instanceof Error ? error.message : String(error));
    }
    if (record) {
      const text = await response.clone().text();
      record({
        request: seen,
        response: { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: text.slice(0, 10_000) },
        durationMs: Date.now() - started,
      });
    }
    return response;
  };
}
