import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { renderResponse, type OutboundRequest, type Responder } from "./capture-server";

/**
 * Segment's own Actions code, run in Node as Segment runs it: `new Destination(definition)` from
 * @segment/actions-core (with its real ajv validation) and `destination.onEvent(event, settings)`,
 * the entry point Segment's integrations service calls for one event. Only the network is
 * replaced: every request an action makes is recorded and answered by a scripted responder.
 *
 * How the network is replaced: actions-core makes every request through its `dist/cjs/fetch.js`,
 * which re-exports `require("cross-fetch")` (fetch, Headers, Request, Response). Before
 * actions-core is loaded, this module puts a stand-in for cross-fetch into Node's CommonJS cache
 * under cross-fetch's resolved path, so that `require` answers the stand-in. The stand-in is the
 * same shape as the Worker's (src/destinations/actions/framework/fetch-shim.ts): a fetch that
 * hands the request to whoever runs the current call (AsyncLocalStorage, so calls may overlap),
 * and the platform's own Headers, Request and Response.
 */

export interface ReferenceSubscription {
  name?: string;
  subscribe: string;
  partnerAction: string;
  mapping?: Record<string, unknown>;
  enabled?: boolean;
}

export interface ReferenceRun {
  /** The requests made, in the order they were made, each with the indexes of the events its call carried. */
  requests: (OutboundRequest & { events: number[] })[];
  /**
   * What each subscription answered for each event it took, or why it refused it: the message
   * of the error it threw, or of the event's multistatus entry when it ran as a batch.
   */
  outcomes: { subscription: string; event: number; result?: unknown; error?: string }[];
}

interface ActionsCore {
  Destination: new (definition: unknown) => {
    actions: Record<string, { hasBatchSupport: boolean }>;
    onEvent(event: Record<string, unknown>, settings: Record<string, unknown>): Promise<unknown[]>;
    onBatch(events: Record<string, unknown>[], settings: Record<string, unknown>): Promise<unknown[]>;
  };
}

const require = createRequire(import.meta.url);
const ACTIONS_CORE_ENTRY = require.resolve("@segment/actions-core");
const CROSS_FETCH_PATH = createRequire(ACTIONS_CORE_ENTRY).resolve("cross-fetch");
const DESTINATIONS_DIR = "@segment/action-destinations/dist/destinations";

type Fetcher = (request: Request) => Promise<Response>;
const currentFetcher = new AsyncLocalStorage<Fetcher>();

async function scopedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const fetcher = currentFetcher.getStore();
  if (!fetcher) throw new Error("an Actions destination fetched outside runReference");
  return fetcher(new Request(input, init));
}

const crossFetchStandIn = { __esModule: true, default: scopedFetch, Headers, Request, Response };

let core: ActionsCore | undefined;

function loadActionsCore(): ActionsCore {
  if (core) return core;
  if (require.cache[ACTIONS_CORE_ENTRY]) throw new Error("@segment/actions-core was loaded before segment-reference could replace cross-fetch");
  require.cache[CROSS_FETCH_PATH] = { id: CROSS_FETCH_PATH, filename: CROSS_FETCH_PATH, loaded: true, exports: crossFetchStandIn } as NodeJS.Module;
  core = require("@segment/actions-core") as ActionsCore;
  // The framework's fetch module must now be the stand-in, or requests would leave this machine.
  const frameworkFetch = require(createRequire(ACTIONS_CORE_ENTRY).resolve("./fetch")) as { default: unknown };
  if (frameworkFetch.default !== scopedFetch) throw new Error("@segment/actions-core does not fetch through the cross-fetch stand-in");
  return core;
}

const destinations = new Map<string, InstanceType<ActionsCore["Destination"]>>();

function loadDestination(slug: string): InstanceType<ActionsCore["Destination"]> {
  let destination = destinations.get(slug);
  if (!destination) {
    const { Destination } = loadActionsCore();
    const definition = (require(`${DESTINATIONS_DIR}/${slug}`) as { default: unknown }).default;
    destination = new Destination(definition);
    destinations.set(slug, destination);
  }
  return destination;
}

interface DefinitionView {
  actions: Record<string, { defaultSubscription?: string; fields: Record<string, { default?: unknown }> }>;
  presets?: readonly { type: string; name: string; subscribe?: string; partnerAction: string; mapping?: Record<string, unknown> }[];
}

function definitionOf(slug: string): DefinitionView {
  return (loadDestination(slug) as unknown as { definition: DefinitionView }).definition;
}

/** The subscriptions Segment (and Sluice) give a destination created without any: its presets of type `automatic`. */
export function automaticPresets(slug: string): ReferenceSubscription[] {
  return (definitionOf(slug).presets ?? [])
    .filter((preset) => preset.type === "automatic")
    .map((preset) => ({
      name: preset.name,
      subscribe: preset.subscribe ?? "",
      partnerAction: preset.partnerAction,
      mapping: preset.mapping ?? {},
      enabled: true,
    }));
}

/**
 * A subscription to one action as Segment's UI creates it: named after the action, with the
 * action's default trigger and a mapping of every field that has a default, `options.mapping`
 * on top (a field set to `undefined` is left out).
 */
export function actionSubscription(
  slug: string,
  partnerAction: string,
  options: { name?: string; subscribe?: string; mapping?: Record<string, unknown> } = {},
): ReferenceSubscription {
  const action = definitionOf(slug).actions[partnerAction];
  if (!action) throw new Error(`${slug} has no action ${partnerAction}`);
  const subscribe = options.subscribe ?? action.defaultSubscription;
  if (subscribe === undefined) throw new Error(`${slug}.${partnerAction} has no default trigger: give the fixture one`);
  const mapping: Record<string, unknown> = {};
  for (const [field, definition] of Object.entries(action.fields)) if (definition.default !== undefined) mapping[field] = definition.default;
  for (const [field, value] of Object.entries(options.mapping ?? {})) {
    if (value === undefined) delete mapping[field];
    else mapping[field] = value;
  }
  return { name: options.name ?? partnerAction, subscribe, partnerAction, mapping, enabled: true };
}

async function readRequest(request: Request): Promise<OutboundRequest> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  return { method: request.method, url: request.url, headers, body: await request.clone().text() };
}

/** Whether Segment sends this subscription's events in batches: its mapping turns batching on and its action can batch. */
export function isBatched(slug: string, subscription: ReferenceSubscription): boolean {
  return subscription.mapping?.enable_batching === true && loadDestination(slug).actions[subscription.partnerAction]?.hasBatchSupport === true;
}

/** Whether the subscription's FQL condition takes the event, by Segment's own parser (the one actions-core uses). */
function isSubscribed(subscription: ReferenceSubscription, event: Record<string, unknown>): boolean {
  const fql = require(createRequire(ACTIONS_CORE_ENTRY).resolve("@segment/destination-subscriptions")) as {
    parseFql(text: string): { error?: Error };
    validate(parsed: unknown, event: Record<string, unknown>): boolean;
  };
  const parsed = fql.parseFql(subscription.subscribe);
  return !parsed.error && fql.validate(parsed, event);
}

/**
 * Runs one delivery (events that reach the destination together) through `slug`'s subscriptions
 * as Segment's pipeline would, and answers the requests its actions made. A subscription that
 * batches (isBatched) gets the events it takes in one `onBatch` call; the others get each event
 * through `onEvent`. Each call carries one subscription in its settings: actions-core runs a
 * call's subscriptions with Promise.all, so one that throws would end the call while the others
 * are still sending; one call each records every request and which subscription refused what.
 */
export async function runReference(
  slug: string,
  events: readonly Record<string, unknown>[],
  settings: Record<string, unknown>,
  subscriptions: readonly ReferenceSubscription[],
  respond: Responder,
): Promise<ReferenceRun> {
  const destination = loadDestination(slug);
  const requests: ReferenceRun["requests"] = [];
  const outcomes: ReferenceRun["outcomes"] = [];
  for (const subscription of subscriptions.filter((candidate) => candidate.enabled !== false)) {
    const name = subscription.name ?? subscription.partnerAction;
    const callSettings = { ...settings, subscriptions: [subscription] };
    const calls: { events: number[]; run: () => Promise<unknown[]> }[] = [];
    // Fresh copies each time: actions and the framework may write to the events they are given.
    if (isBatched(slug, subscription)) {
      const taken = events.flatMap((event, index) => (isSubscribed(subscription, event) ? [index] : []));
      if (taken.length > 0)
        calls.push({
          events: taken,
          run: () =>
            destination.onBatch(
              taken.map((index) => structuredClone(events[index]!)),
              callSettings,
            ),
        });
    } else {
      events.forEach((event, index) => calls.push({ events: [index], run: () => destination.onEvent(structuredClone(event), callSettings) }));
    }
    for (const call of calls) {
      const fetcher: Fetcher = async (request) => {
        const seen = await readRequest(request);
        requests.push({ ...seen, events: call.events });
        const answer = renderResponse(respond(seen));
        return new Response(answer.status === 204 || answer.status === 304 ? null : answer.body, { status: answer.status, headers: answer.headers });
      };
      try {
        const result = await currentFetcher.run(fetcher, call.run);
        const batched = isBatched(slug, subscription);
        call.events.forEach((index, position) => {
          const refusal = batched ? batchRefusal(result, position) : undefined;
          outcomes.push({ subscription: name, event: index, result, ...(refusal === undefined ? {} : { error: refusal }) });
        });
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        for (const index of call.events) outcomes.push({ subscription: name, event: index, error: message });
      }
    }
  }
  return { requests, outcomes };
}

/** A batch answers per event in a multistatus: the refusal of the event at `position`, if it was refused. */
function batchRefusal(results: readonly unknown[], position: number): string | undefined {
  for (const result of results) {
    const statuses = (result as { multistatus?: { status: number; errortype?: string; errormessage?: string }[] } | null)?.multistatus;
    const status = statuses?.[position];
    if (status && (status.status < 200 || status.status >= 300)) return `${status.errortype ?? "Error"} (${status.status}): ${status.errormessage ?? ""}`;
  }
  return undefined;
}
