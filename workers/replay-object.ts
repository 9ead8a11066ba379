import { destinationContext } from "../src/destinations/destination-context";
import { outboundFetch } from "../src/destinations/outbound";
import { DurableObject } from "cloudflare:workers";
import { listPrefix, readArchiveLines } from "../src/archive/read-archive";
import { loadRoutedDestination } from "../src/destinations/load-destinations";
import { recordDeliveryStats } from "../src/destinations/delivery-stats";
import { destinationType } from "../src/destinations/types";
import type { AppEnv } from "../src/env";
import { sendMessages, sizeOf } from "../src/queues/send-messages";
import { coveredFrom, namesCoveredPerson } from "../src/privacy/covered";
import { erasedKeysReader } from "../src/privacy/erased-keys";
import { findSuppressedEvents } from "../src/privacy/suppression-store";
import { ReplayRegistry } from "../src/replay/replay-registry";
import type { ReplaySpec } from "../src/replay/replay-request";
import { ReplayRunner, type ReplayDeps } from "../src/replay/replay-runner";
import { ReplayStore, type ReplayProgress } from "../src/replay/replay-store";
import { firstRetryDelaySeconds } from "./delivery-config";

/**
 * One replay: its cursor lives in this object's SQLite and an alarm loop moves it, so a replay
 * survives deploys and crashes and resumes where its last acknowledged request left it.
 */
export class ReplayObject extends DurableObject<AppEnv> {
  private readonly store: ReplayStore;
  private runner?: ReplayRunner;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    this.store = new ReplayStore(ctx.storage);
    this.store.migrate(); // synchronous SQLite: done before any request reaches the object
  }

  /** Starts the replay once; starting it again only answers its progress. */
  async start(spec: ReplaySpec): Promise<ReplayProgress> {
    if (this.store.init(spec, new Date())) await this.ctx.storage.setAlarm(Date.now());
    return this.store.progress()!;
  }

  /**
   * The replay's progress. Looking also wakes a running replay that has no alarm (its alarm's
   * retries ran out, or a local dev server restarted without it), so no replay stalls for good.
   */
  async progress(): Promise<ReplayProgress | null> {
    const progress = this.store.progress();
    if (progress?.status === "running" && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
    return progress;
  }

  /** Stops a running replay where it is: what was sent stays sent, nothing more goes out. */
  async cancel(): Promise<ReplayProgress | null> {
    if (this.store.cancel(new Date())) {
      await this.ctx.storage.deleteAlarm();
      await recordDeliveryStats(this.env.DB, this.store.pendingBalance(), new Map(), new Date());
    }
    const progress = this.store.progress();
    // Always, so a list entry left running by a failed write is mended by cancelling again.
    if (progress) await new ReplayRegistry(this.env.DB).update(progress);
    return progress;
  }

  /** A deletion: an ended replay forgets the parked events of the people whose identifier keys are `keys`. */
  purge(keys: string[]): number {
    const covered = coveredFrom(keys);
    return this.store.forgetParked((event) => namesCoveredPerson(event, covered));
  }

  override async alarm(): Promise<void> {
    this.runner ??= new ReplayRunner(replayDeps(this.store, this.env));
    const next = await this.runner.tick();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}

/** The runner's connections to R2, D1 and the queues; tests swap single parts (the fetcher). */
export function replayDeps(store: ReplayStore, env: AppEnv, overrides: Partial<ReplayDeps> = {}): ReplayDeps {
  const registry = new ReplayRegistry(env.DB);
  return {
    store,
    listObjects: (prefix) => listPrefix(env.ARCHIVE, prefix),
    readLines: (key) => readArchiveLines(env.ARCHIVE, key),
    destination: async (id) => {
      const routed = await loadRoutedDestination(env.DB, id);
      const type = routed ? destinationType(routed.destination.type) : undefined;
      return routed && type ? { routed, type, context: destinationContext(env, id) } : null;
    },
    fetcher: outboundFetch(env),
    deadLetter: async (destinationId, items) => {
      const queue = `replay:${store.spec()?.id ?? "unknown"}`;
      await sendMessages(
        env.DELIVERIES_DLQ,
        items.map(({ event, reason }) =>
          sizeOf({ deadLetter: { queue, messageId: `${destinationId}-${String(event.messageId)}`, reason }, body: { destinationId, event } }),
        ),
      );
    },
    recordStats: (counts) => recordDeliveryStats(env.DB, counts, new Map(), new Date()),
    report: (progress) => registry.update(progress),
    now: Date.now,
    random: Math.random,
    firstRetryDelaySeconds: firstRetryDelaySeconds(env),
    erasedKeys: erasedKeysReader(env.DB, () => store.spec()?.createdAt ?? new Date(0).toISOString()),
    suppressed: (events) => findSuppressedEvents(env.DB, events),
    ...overrides,
  };
}
