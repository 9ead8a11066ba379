import type { Page } from "playwright-core";
import type { PageLog } from "./page-log";

/** The slice of the Segment analytics.js API the tests call in the page. */
export interface SdkUser {
  id(): string | null | undefined;
  anonymousId(): string | null | undefined;
  traits(): Record<string, unknown> | undefined;
}

/** `analytics.group()` without arguments: the stored group. */
export interface SdkGroup {
  id(): string | null | undefined;
  traits(): Record<string, unknown> | undefined;
}

/** What a call's promise resolves to (and its callback receives). */
export interface SdkContext {
  event: { messageId?: string; [field: string]: unknown };
}

/** A source middleware: `next(payload)` passes the event on, `next(null)` or returning null drops it. */
export type SourceMiddleware = (input: {
  payload: { obj: Record<string, unknown> & { event?: unknown; properties?: Record<string, unknown> } };
  integrations?: Record<string, unknown>;
  next: (payload: unknown) => void;
}) => unknown;

export interface SluiceAnalytics {
  initialized?: boolean;
  track(event: string, properties?: Record<string, unknown>, options?: Record<string, unknown>, callback?: (ctx?: SdkContext) => void): Promise<unknown>;
  page(...args: unknown[]): Promise<unknown>;
  identify(...args: unknown[]): Promise<unknown>;
  screen(...args: unknown[]): Promise<unknown>;
  alias(...args: unknown[]): Promise<unknown>;
  /** With arguments, sends a group call; without, returns the stored group. */
  group(...args: unknown[]): unknown;
  reset(): unknown;
  user(): SdkUser;
  setAnonymousId(id?: string): unknown;
  ready(callback?: () => void): Promise<unknown>;
  on(name: string, fn: (...args: unknown[]) => void): unknown;
  once(name: string, fn: (...args: unknown[]) => void): unknown;
  off(name: string, fn: (...args: unknown[]) => void): unknown;
  trackLink(elements: Element | ArrayLike<Element>, event: string, properties?: Record<string, unknown>): unknown;
  trackForm(elements: Element | ArrayLike<Element>, event: string, properties?: Record<string, unknown>): unknown;
  addSourceMiddleware(middleware: SourceMiddleware): Promise<unknown>;
  setConsent(categoryPreferences: Record<string, boolean>): Promise<unknown>;
}

/** @segment/analytics-next as bundled by support/analytics-next.ts (global `AnalyticsNext`). */
export interface AnalyticsNextBrowser extends PromiseLike<unknown> {
  track(event: string, properties?: Record<string, unknown>): Promise<{ event: { messageId?: string } }>;
  page(...args: unknown[]): Promise<{ event: { messageId?: string } }>;
}

declare global {
  interface Window {
    analytics?: SluiceAnalytics;
    AnalyticsNext?: { AnalyticsBrowser: { load(settings: { writeKey: string; cdnURL: string }): AnalyticsNextBrowser } };
    analyticsNext?: AnalyticsNextBrowser;
  }
}

/** Waits until analytics.js has loaded and replaced the snippet's stub (`initialized === true`). */
export async function waitForSdk(page: Page, log: PageLog, timeoutMs = 15_000): Promise<void> {
  try {
    await page.waitForFunction(() => window.analytics?.initialized === true, null, { timeout: timeoutMs, polling: 50 });
  } catch {
    const state = await page
      .evaluate(() => {
        const analytics = window.analytics as unknown;
        if (analytics === undefined) return "window.analytics is undefined";
        if (Array.isArray(analytics)) return `window.analytics is still the snippet's stub (${analytics.length} buffered calls)`;
        return `window.analytics exists, initialized = ${String((analytics as { initialized?: unknown }).initialized)}`;
      })
      .catch((error: unknown) => `page unreadable: ${String(error)}`);
    throw new Error(`analytics.js did not load within ${timeoutMs} ms on ${page.url()}: ${state}.\n${log.describe()}`);
  }
}

/**
 * Calls `analytics[method](...args)` in the page and waits for its promise, bounded so that a
 * promise which never settles is reported by name instead of as a test timeout.
 */
export async function callSdk(page: Page, method: string, args: unknown[], timeoutMs = 10_000): Promise<void> {
  await page.evaluate(
    async ({ method, args, timeoutMs }) => {
      const analytics = window.analytics as unknown as Record<string, (...a: unknown[]) => unknown>;
      const fn = analytics[method];
      if (typeof fn !== "function") throw new Error(`window.analytics.${method} is not a function`);
      const result = fn.apply(analytics, args);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`analytics.${method}() did not settle within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.resolve(result), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    { method, args, timeoutMs },
  );
}

/** Calls `analytics[method](...args)` without waiting for anything (delivery is judged on the archive). */
export async function fireSdk(page: Page, method: string, args: unknown[]): Promise<void> {
  await page.evaluate(
    ({ method, args }) => {
      const analytics = window.analytics as unknown as Record<string, (...a: unknown[]) => unknown>;
      const fn = analytics[method];
      if (typeof fn !== "function") throw new Error(`window.analytics.${method} is not a function`);
      const result = fn.apply(analytics, args);
      if (result instanceof Promise) result.catch(() => undefined);
    },
    { method, args },
  );
}

export interface Identity {
  userId: string | null;
  anonymousId: string | null;
  traits: Record<string, unknown>;
}

/** `analytics.user()` as plain data. */
export async function readIdentity(page: Page): Promise<Identity> {
  return page.evaluate(() => {
    const user = window.analytics!.user();
    return {
      userId: user.id() ?? null,
      anonymousId: user.anonymousId() ?? null,
      traits: JSON.parse(JSON.stringify(user.traits() ?? {})) as Record<string, unknown>,
    };
  });
}
