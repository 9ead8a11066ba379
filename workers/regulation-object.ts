import { destinationContext } from "../src/destinations/destination-context";
import { outboundFetch } from "../src/destinations/outbound";
import { DurableObject } from "cloudflare:workers";
import { debuggerFor } from "../src/debugger/debugger-stub";
import { DEDUPE_SHARD_COUNT, dedupeShardName } from "../src/dedupe/shards";
import { DestinationStore } from "../src/destinations/destination-store";
import { destinationType } from "../src/destinations/types";
import type { AppEnv } from "../src/env";
import type { DeletionDeps } from "../src/privacy/deletion-deps";
import { DeletionJob, initialProgress, planDeletionSteps } from "../src/privacy/deletion-job";
import { DeletionState, type DeletionStep } from "../src/privacy/deletion-state";
import type { RegulationProgress } from "../src/privacy/regulation";
import { RegulationStore } from "../src/privacy/regulation-store";
import type { RegulationJobSpec } from "../src/privacy/regulation-job";
import { hashSubjectKey } from "../src/privacy/subject-keys";
import { startSyncsAfterDeletion } from "../src/warehouse/sync/start-due-syncs";
import { firstRetryDelaySeconds } from "./delivery-config";

/**
 * How long a deletion waits before its first step: events the pipeline is committing right now
 * reach a dedupe shard's outbox (which the first step purges) and identity (whose profiles a later
 * step erases) instead of landing just after.
 */
const SETTLE_MS = 2_000;

/**
 * One regulation's deletion (src/privacy/deletion-job.ts): its steps' cursors and what it removed
 * live in this object's SQLite, and an alarm loop moves them, so a deletion survives crashes and
 * deploys and resumes from its last recorded unit of work, however big the archive.
 */
export class RegulationObject extends DurableObject<AppEnv> {
  private readonly state: DeletionState;
  private job?: DeletionJob;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    this.state = new DeletionState(ctx.storage);
    this.state.migrate(); // synchronous SQLite: done before any request reaches the object
  }

  /** Starts the deletion once; starting it again changes nothing. Answers its progress. */
  async start(regulation: RegulationJobSpec): Promise<RegulationProgress> {
    if (this.state.spec() === undefined) {
      const steps = planDeletionSteps(regulation.regulationType);
      const covered = await Promise.all(regulation.covered.map(async (key) => ({ key, hash: await hashSubjectKey(key) })));
      const started = this.state.init({
        spec: { id: regulation.id, regulationType: regulation.regulationType, createdAt: regulation.createdAt },
        covered,
        subjectIds: regulation.subjectIds,
        steps,
        // The suppression's outcome (recorded before the job started) stays in the receipt.
        progress: withEarlierStores(initialProgress(steps), regulation.progress),
        settleUntil: Date.now() + SETTLE_MS,
      });
      if (started) await this.ctx.storage.setAlarm(Date.now());
    }
    return this.state.progress();
  }

  /**
   * Where the deletion is. Looking also wakes one that has no alarm (a local dev server restarted
   * without it), so no deletion stalls for good.
   */
  async status(): Promise<{ step: DeletionStep; progress: RegulationProgress } | null> {
    if (this.state.spec() === undefined) return null;
    if (this.state.step() !== "done" && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
    return { step: this.state.step(), progress: this.state.progress() };
  }

  override async alarm(): Promise<void> {
    this.job ??= new DeletionJob(this.deps());
    const next = await this.job.tick();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /** The R2 bucket a step reads and rewrites; a seam for tests that count reads or crash a step. */
  protected archiveBucket(_step: DeletionStep): R2Bucket {
    return this.env.ARCHIVE;
  }

  private deps(): DeletionDeps {
    const { env } = this;
    const destinations = new DestinationStore(env.DB);
    const regulations = new RegulationStore(env.DB);
    return {
      state: this.state,
      bucket: (step) => this.archiveBucket(step),
      db: env.DB,
      spaceId: env.SPACE_ID,
      dedupeShards: () =>
        Array.from({ length: DEDUPE_SHARD_COUNT }, (_, shard) => {
          const name = dedupeShardName(env.SPACE_ID, shard);
          return { name, shard: env.DEDUPE.get(env.DEDUPE.idFromName(name)) };
        }),
      sourceIds: async () => (await env.DB.prepare("SELECT id FROM sources ORDER BY id").all<{ id: string }>()).results.map((row) => row.id),
      debugger: (sourceId) => debuggerFor(env, sourceId),
      replayIds: async () =>
        (await env.DB.prepare("SELECT id FROM replays WHERE status != 'finished' ORDER BY id").all<{ id: string }>()).results.map((row) => row.id),
      replay: (id) => env.REPLAYS.get(env.REPLAYS.idFromName(id)),
      indexShard: (name) => env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(name)),
      profile: (id) => env.PROFILES.get(env.PROFILES.idFromName(id)),
      destinations: async () => (await destinations.list()).filter((destination) => destination.enabled),
      destination: (id) => destinations.get(id),
      destinationType: (type) => destinationType(type),
      destinationContext: (id) => destinationContext(env, id),
      fetcher: outboundFetch(env),
      startWarehouseSyncs: () => startSyncsAfterDeletion(env),
      report: (status, progress, error) => regulations.saveProgress(this.state.spec()!.id, status, progress, new Date(), error),
      now: Date.now,
      random: Math.random,
      firstRetryDelaySeconds: firstRetryDelaySeconds(env),
    };
  }
}

/** The job's initial progress with the stores an earlier stage already reported (the suppression list). */
function withEarlierStores(initial: RegulationProgress, earlier: RegulationProgress | undefined): RegulationProgress {
  return { ...initial, stores: { ...(earlier?.stores ?? {}), ...initial.stores }, destinations: { ...(earlier?.destinations ?? {}), ...initial.destinations } };
}
