import type { AttemptRecord } from "../deliver";
import type { DeliveryOutcome } from "../delivery-policy";
import { isSealed, oauthPurpose } from "../sealed-settings";
import type { UnitContext } from "../types";
import { classifyActionError, UnansweredRequest } from "./classify-action-error";
import { runWithFetch, type ActionResult, type Destination } from "./framework/segment-actions.bundle.cjs";
import { oauthSchema, type OAuthTokens, type StoredActionsSettings } from "./stored-settings";
import type { Subscription } from "./subscriptions";

/** One subscription's action for some events: each alone, or together through the action's performBatch. */
export interface ActionJob {
  subscription: Subscription;
  events: Record<string, unknown>[];
  batched: boolean;
}

/**
 * Runs actions for one batch with one set of settings, so an OAuth refresh made for one unit
 * serves the others: a 401 from an OAuth destination refreshes its tokens with the destination's
 * own refresh (saved through `context.saveSettings`) and tries once more.
 */
export class ActionsSession {
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
