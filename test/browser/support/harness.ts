import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import {
  countByMessageId,
  createSource,
  pipelineStats,
  readArchive,
  uniqueId,
  waitForArchive,
  waitUntil,
  type ArchivedEvent,
  type Source,
} from "../../e2e/support/sluice";
import { launchChromium } from "./chromium";
import { PageLog } from "./page-log";
import { startPageServer, type PageServer } from "./page-server";
import { fireSdk } from "./sdk";

export type { ArchivedEvent } from "../../e2e/support/sluice";

/** Sluice as the browser sees it: `http://localhost:<port>` (same site as the test pages). */
export function sluiceBrowserUrl(): string {
  return inject("sluiceBrowserUrl");
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  log: PageLog;
}

export interface BrowserSuite {
  /** This file's own source: its archive holds only this file's events. */
  readonly source: Source;
  readonly pages: PageServer;
  readonly sluice: string;
  /** A fresh browser context (own cookies and storage) with one page; closed after the test. */
  newTab(options?: BrowserContextOptions): Promise<Tab>;
}

/**
 * Per test file: a fresh source, a page server and one Chromium; per test: fresh contexts.
 * Call once at the top of a test file.
 */
export function useBrowserSuite(name: string): BrowserSuite {
  let source: Source | undefined;
  let pages: PageServer | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  const sluice = sluiceBrowserUrl();

  beforeAll(async () => {
    source = await createSource(`browser ${name} ${uniqueId("run")}`);
    pages = await startPageServer();
    browser = await launchChromium();
  });

  afterEach(async () => {
    const open = contexts;
    contexts = [];
    await Promise.all(open.map((context) => context.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: did beforeAll fail?`);
    return value;
  };

  return {
    get source() {
      return required(source, "the test source");
    },
    get pages() {
      return required(pages, "the page server");
    },
    sluice,
    async newTab(options) {
      const context = await required(browser, "Chromium").newContext(options);
      contexts.push(context);
      const log = new PageLog(context, required(pages, "the page server").origin);
      const page = await context.newPage();
      return { context, page, log };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading what arrived
// ---------------------------------------------------------------------------------------------

export interface EventContext {
  library?: { name?: unknown; version?: unknown };
  page?: Record<string, unknown>;
  campaign?: Record<string, unknown>;
  userAgent?: unknown;
  locale?: unknown;
  timezone?: unknown;
  screen?: Record<string, unknown>;
  [field: string]: unknown;
}

export function contextOf(event: ArchivedEvent): EventContext {
  return event.context ?? {};
}

export function propertiesOf(event: ArchivedEvent): Record<string, unknown> {
  return (event.properties ?? {}) as Record<string, unknown>;
}

/** Events of `sourceId` whose `properties.probe` is `probe`. */
export function withProbe(probe: string): (event: ArchivedEvent) => boolean {
  return (event) => propertiesOf(event).probe === probe;
}

/** Page events whose `context.page.path` is `path`. */
export function pageEventsAt(path: string): (event: ArchivedEvent) => boolean {
  return (event) => event.type === "page" && contextOf(event).page?.path === path;
}

/**
 * Polls the archive until the events matching `match` satisfy `until` (by default: at least
 * `count` of them), and returns the matching events. On timeout the error lists what did arrive
 * and the browser log, so a failure says what the SDK did.
 */
export async function waitForEvents(
  sourceId: string,
  match: (event: ArchivedEvent) => boolean,
  options: { count?: number; until?: (events: ArchivedEvent[]) => boolean; timeoutMs?: number; log?: PageLog; what?: string } = {},
): Promise<ArchivedEvent[]> {
  const count = options.count ?? 1;
  const until = options.until ?? ((events: ArchivedEvent[]) => events.length >= count);
  try {
    const all = await waitForArchive(sourceId, (events) => until(events.filter(match)), options.timeoutMs ?? 10_000);
    return all.filter(match);
  } catch (error) {
    const all = await readArchive({ sourceId }).catch(() => [] as ArchivedEvent[]);
    const summary = all
      .slice(-15)
      .map((event) => `  ${event.type} ${JSON.stringify(event.event ?? contextOf(event).page?.path ?? "")} ${JSON.stringify(event.properties ?? {})}`)
      .join("\n");
    throw new Error(
      `${options.what ?? "expected events"} did not arrive: ${error instanceof Error ? error.message : String(error)}\n` +
        `--- archive of the source (${all.length} events, last 15) ---\n${summary || "  (empty)"}\n` +
        (options.log?.describe() ?? "") +
        reloadNote(),
    );
  }
}

/**
 * wrangler dev reloads the Worker when a source file changes, which can lose events in flight
 * (local queues live in memory): failures say so when it happened during the run.
 */
function reloadNote(): string {
  try {
    const reloads = readFileSync(inject("sluiceLogPath"), "utf8").split("Reloading local server").length - 1;
    return reloads > 0
      ? `\nNOTE: wrangler reloaded the Worker ${reloads} time(s) during this run (a source file changed); events in flight may have been lost to that, not to the SDK.\n`
      : "";
  } catch {
    return "";
  }
}

/**
 * Makes "nothing else will arrive" checkable: sends a sentinel track through the SDK and waits
 * for it in the archive, so the SDK's queue has moved past everything sent before it and the
 * pipeline has committed it. The archive is written by 32 independently flushed dedupe shards,
 * so an earlier event may still be in another shard's outbox: then wait until the archive holds
 * every event the pipeline has committed for the source (its stats), i.e. no flush is pending.
 */
export async function drain(page: Page, sourceId: string, log: PageLog): Promise<void> {
  const probe = uniqueId("sentinel");
  await fireSdk(page, "track", ["Sentinel", { probe }]);
  await waitForEvents(sourceId, withProbe(probe), { log, what: "the sentinel track" });
  await waitUntil(
    `the archive of source ${sourceId} to hold every event the pipeline committed`,
    async () => ({ committed: (await pipelineStats(sourceId)).archived, archived: (await readArchive({ sourceId })).length }),
    ({ committed, archived }) => archived >= committed,
    { intervalMs: 250 },
  );
}

export { countByMessageId, readArchive, uniqueId };
