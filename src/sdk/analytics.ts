import { resolveAliasArguments, resolveIdArguments, resolvePageArguments, resolveTrackArguments } from "./arguments";
import { isWithinDomain } from "./cookie-domain";
import { createDelivery } from "./delivery";
import { bindFormTracking, bindLinkTracking, type Elements, type PerElement } from "./dom-tracking";
import { createEmitter } from "./emitter";
import { buildPageContext, isBufferedPage, pageFactsFromBuffered, parseCampaign, type PageContext, type PageFacts } from "./page-context";
import { createStore } from "./storage";
import type { CallOptions, Callback, Context, Dict, EmbeddedSettings, LoadOptions, SegmentEvent } from "./types";
import { uuid } from "./uuid";

/** A source middleware, as analytics-next calls it: `next` takes the payload back, null drops the event. */
type Middleware = (input: { payload: { obj: SegmentEvent }; integrations: Dict; next: (payload: { obj: SegmentEvent } | null) => void }) => unknown;
/** Listener arguments: per call type for the calls (see `listenerArguments`), none for `reset`. */
type Listener = (...args: unknown[]) => void;

const USER_ID = "ajs_user_id";
const ANONYMOUS_ID = "ajs_anonymous_id";
const USER_TRAITS = "ajs_user_traits";
const GROUP_ID = "ajs_group_id";
const GROUP_TRAITS = "ajs_group_properties";
export const CONSENT_EVENT = "Segment Consent Preference Updated";

/** What the SDK stores under analytics.js's keys. */
type Stored = {
  [USER_ID]: string;
  [ANONYMOUS_ID]: string;
  [GROUP_ID]: string;
  [USER_TRAITS]: Dict;
  [GROUP_TRAITS]: Dict;
};

function currentPage(): PageFacts {
  const canonical = document.querySelector("link[rel='canonical']")?.getAttribute("href") || undefined;
  return { url: location.href, title: document.title, referrer: document.referrer, canonical };
}

function deviceContext(): Dict {
  const nav = navigator as Navigator & { userAgentData?: { toJSON?: () => Dict } };
  return {
    userAgent: nav.userAgent,
    userAgentData: nav.userAgentData?.toJSON?.(),
    locale: nav.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
  };
}

/** Whether the Segment.io destination is switched off for this call (`integrations`). */
function isSegmentDisabled(integrations: Dict): boolean {
  const own = integrations["Segment.io"];
  return own === false || (integrations.All === false && !own);
}

/**
 * The call's page context: the snippet's buffered one (dropped off the end of the arguments) for
 * a call made before load, otherwise the page as it is now.
 */
function splitBuffered(args: unknown[]): [unknown[], PageContext] {
  const last = args[args.length - 1];
  return isBufferedPage(last) ? [args.slice(0, -1), buildPageContext(pageFactsFromBuffered(last))] : [args, buildPageContext(currentPage())];
}

export function createAnalytics(settings: EmbeddedSettings, options: LoadOptions) {
  const store = createStore<Stored>(settings.cookieDomain, options.cookie);
  const emitter = createEmitter<Record<string, unknown[]>>();
  const { apiHost = settings.apiHost, flushAt = 20, flushInterval = 500 } = options;
  const sameSite = isWithinDomain(location.hostname, settings.cookieDomain) || new URL(apiHost).hostname === location.hostname;
  const delivery = createDelivery({
    url: `${apiHost}/batch`,
    writeKey: settings.writeKey,
    credentials: sameSite ? "include" : "omit", // first-party: let the server refresh its cookies
    flushAt,
    flushInterval,
    // A response refreshes the ids its request carried; any this tab changed since then win.
    onResponse: (sentAt) => store.repairChangedSince(sentAt),
  });
  const consent = { ...options.consent };
  const middlewares: Middleware[] = [];
  let timeoutMs = 300;
  let debugging = false;
  delivery.hold(consent.model === "opt-in" && !consent.categoryPreferences);

  /** A stored id with its traits: the visitor (`user()`) or their group (`group()`). */
  const record = (idKey: typeof USER_ID | typeof GROUP_ID, traitsKey: typeof USER_TRAITS | typeof GROUP_TRAITS) => ({
    id: (id?: string | null): string | null => {
      if (id === null) store.remove(idKey);
      else if (id !== undefined) store.set(idKey, id);
      return store.get(idKey) ?? null;
    },
    traits: (traits?: Dict): Dict => {
      if (traits) store.set(traitsKey, traits, false);
      return store.get(traitsKey) || {};
    },
  });
  const user = {
    ...record(USER_ID, USER_TRAITS),
    anonymousId: (id?: string): string => {
      const current = id ?? store.get(ANONYMOUS_ID) ?? uuid();
      store.set(ANONYMOUS_ID, current);
      return current;
    },
  };
  const group = record(GROUP_ID, GROUP_TRAITS);

  /**
   * identify/group: a different id starts with clean traits, as analytics.js does; the same id
   * (or none given) accumulates them. Returns the traits the call sends.
   */
  function assign(target: typeof group, id: string | null | undefined, traits: Dict): Dict {
    const current = target.id();
    const merged = id !== undefined && id !== current && current !== null ? traits : { ...target.traits(), ...traits };
    if (id !== undefined) target.id(id);
    return target.traits(merged);
  }

  /** Listener arguments as analytics-next passes them, per call type. */
  const listenerArguments = (event: SegmentEvent, options: CallOptions): unknown[] =>
    ({
      track: [event.event, event.properties, options],
      page: [event.category, event.name, event.properties, options],
      screen: [event.category, event.name, event.properties, options],
      identify: [event.userId, event.traits, options],
      group: [event.groupId, event.traits, options],
      alias: [event.userId, event.previousId, options],
    })[event.type] || [event];

  const hasDeclinedAll = () => consent.model === "opt-in" && !!consent.categoryPreferences && !Object.values(consent.categoryPreferences).some(Boolean);

  async function runMiddleware(event: SegmentEvent, integrations: Dict): Promise<SegmentEvent | null> {
    for (const middleware of middlewares) {
      const next = await new Promise<SegmentEvent | null>((resolve) => {
        // Some middleware passes `next` the event itself rather than the payload: taken as it is.
        const next = (payload: { obj: SegmentEvent } | null) => resolve(payload?.obj || (payload as SegmentEvent | null) || null);
        const returned = middleware({ payload: { obj: event }, integrations, next });
        if (returned === null) resolve(null);
      });
      if (!next) return null;
      event = next;
    }
    return event;
  }

  /** Builds, filters and queues one event; resolves when delivered or after `timeout` ms. */
  async function dispatch(type: string, fields: Dict, callOptions: CallOptions, pageContext: PageContext, callback?: Callback): Promise<Context> {
    const integrations = callOptions.integrations || {};
    const { context: extraContext, timestamp, anonymousId, traits } = callOptions;
    const context: Dict = {
      ...deviceContext(),
      page: pageContext,
      campaign: parseCampaign(pageContext.search),
      library: { name: "sluice.js", version: settings.version },
      ...(consent.categoryPreferences && { consent: { categoryPreferences: consent.categoryPreferences } }),
      ...(traits && { traits }),
      ...extraContext,
    };
    let event: SegmentEvent | null = {
      userId: user.id(),
      ...fields,
      type,
      anonymousId: anonymousId || user.anonymousId(),
      messageId: `sluice-${uuid()}`,
      timestamp: new Date(timestamp || Date.now()).toISOString(),
      context,
      integrations,
    };
    if (event.userId === null) delete event.userId;
    event = await runMiddleware(event, integrations);
    const ctx: Context = { event: event || {} };
    if (!event) return ctx;
    if (debugging) console.log("sluice", type, event);
    emitter.emit(type, ...listenerArguments(event, callOptions));
    // Opt-in and every category declined: the visitor said no, so nothing leaves the page.
    if (!isSegmentDisabled(event.integrations || {}) && !hasDeclinedAll()) {
      await Promise.race([delivery.enqueue(event), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    }
    callback?.(ctx);
    return ctx;
  }

  function trackLink(links: Elements<HTMLAnchorElement>, event: PerElement<string>, properties?: PerElement<Dict>) {
    bindLinkTracking(api.track, links, event, properties);
    return api;
  }

  function trackForm(forms: Elements<HTMLFormElement>, event: PerElement<string>, properties?: PerElement<Dict>) {
    bindFormTracking(api.track, forms, event, properties);
    return api;
  }

  /** A call as page code makes it: the snippet's buffered page split off, arguments resolved, dispatched. */
  function call<Resolved extends { options: CallOptions; callback?: Callback }>(
    type: string,
    input: unknown[],
    resolve: (args: unknown[]) => Resolved,
    fieldsOf: (resolved: Resolved, pageContext: PageContext) => Dict,
  ): Promise<Context> {
    const [args, pageContext] = splitBuffered(input);
    const resolved = resolve(args);
    return dispatch(type, fieldsOf(resolved, pageContext), resolved.options, pageContext, resolved.callback);
  }

  const api = {
    initialized: false,
    VERSION: settings.version,

    // None of these use `this`, so page code may pass them around detached (trackLink passes `track`).
    track: (...input: unknown[]) => call("track", input, resolveTrackArguments, ({ event, properties }) => ({ event, properties })),

    page: (...input: unknown[]) =>
      call("page", input, resolvePageArguments, ({ category, name, properties }, pageContext) => {
        const named = { ...(name && { name }), ...(category && { category }) };
        return { ...named, properties: { ...pageContext, ...properties, ...named } };
      }),

    screen: (...input: unknown[]) => call("screen", input, resolvePageArguments, ({ category, name, properties }) => ({ name, category, properties })),

    identify: (...input: unknown[]) => call("identify", input, resolveIdArguments, ({ id, traits }) => ({ traits: assign(user, id, traits) })),

    group(...input: unknown[]) {
      if (!input.length) return group;
      return call("group", input, resolveIdArguments, ({ id, traits }) => {
        const merged = assign(group, id, traits);
        return { groupId: group.id(), traits: merged };
      });
    },

    alias: (...input: unknown[]) =>
      call("alias", input, resolveAliasArguments, ({ userId, previousId }) => ({ userId, previousId: previousId || user.id() || user.anonymousId() })),

    reset() {
      for (const key of [USER_ID, USER_TRAITS, GROUP_ID, GROUP_TRAITS, ANONYMOUS_ID] as const) store.remove(key);
      emitter.emit("reset");
    },

    user: () => user,
    setAnonymousId: user.anonymousId,

    ready: (callback?: () => void) => Promise.resolve().then(callback),
    on(name: string, fn: Listener) {
      emitter.on(name, fn);
      return api;
    },
    once(name: string, fn: Listener) {
      emitter.once(name, fn);
      return api;
    },
    off(name: string, fn: Listener) {
      emitter.off(name, fn);
      return api;
    },
    debug(on?: boolean) {
      debugging = on !== false;
      return api;
    },
    timeout(ms: number) {
      timeoutMs = ms;
    },

    trackLink,
    trackClick: trackLink,
    trackForm,
    trackSubmit: trackForm,
    pageview: (url?: string) => api.page(url ? { url } : {}),

    addSourceMiddleware(fn: Middleware) {
      middlewares.push(fn);
      return Promise.resolve(api);
    },
    // Sluice delivers to destinations from the server, so there are no client-side destinations
    // for these to act on; they exist so snippet code that calls them keeps working.
    addDestinationMiddleware: () => Promise.resolve(api),
    addIntegrationMiddleware: () => Promise.resolve(api),
    register: () => Promise.resolve(),

    /** Sets or updates the visitor's consent; queued events are stamped (or dropped) accordingly. */
    setConsent(categoryPreferences: Record<string, boolean>) {
      consent.categoryPreferences = categoryPreferences;
      const declinedAll = hasDeclinedAll();
      delivery.edit((event) => (declinedAll ? null : { ...event, context: { consent: { categoryPreferences }, ...event.context } }));
      delivery.hold(declinedAll);
      return declinedAll ? Promise.resolve({ event: {} }) : api.track(CONSENT_EVENT, {});
    },

    /** The buffered-load form: `analytics.load(writeKey, options)` after the bundle is in. */
    load(_writeKey?: string, loadOptions?: LoadOptions) {
      if (loadOptions?.consent?.categoryPreferences) void api.setConsent(loadOptions.consent.categoryPreferences);
      return api;
    },

    flush: () => delivery.flush(),
  };
  return api;
}

export type Analytics = ReturnType<typeof createAnalytics>;
