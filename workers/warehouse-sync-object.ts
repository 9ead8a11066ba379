import { DurableObject } from "cloudflare:workers";
import type { AppEnv } from "../src/env";
import { randomBase62 } from "../src/sources/source";
import { WarehouseSyncStore } from "../src/warehouse/store/warehouse-syncs";
import { WarehouseColumnStore } from "../src/warehouse/store/warehouse-columns";
import { WarehouseFileStore } from "../src/warehouse/store/warehouse-files";
import type { IdentityReaders } from "../src/warehouse/sync/identity-profiles";
import { IDENTITY_TABLES_WRITER, writeIdentityTables } from "../src/warehouse/sync/identity-snapshot";
import { SyncRunner } from "../src/warehouse/sync/sync-runner";
import { SyncState, type SyncRequest } from "../src/warehouse/sync/sync-state";

/** Wall time an alarm spends starting new hours before it hands over to the next alarm. */
const TICK_BUDGET_MS = 20_000;

/**
 * One source's warehouse sync (named by its sourceId): one sync at a time, its plan and the
 * hours it wrote in this object's SQLite, moved by alarms so it survives deploys and crashes.
 */
export class WarehouseSyncObject extends DurableObject<AppEnv> {
  private readonly state: SyncState;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    this.state = new SyncState(ctx.storage); // synchronous SQLite: migrated before any request
  }

  /**
   * Starts a sync, or answers the id of the one running (waking it if its alarm is gone) and has
   * another follow it, since the running one may have listed the archive before this request.
   */
  async begin(request: SyncRequest): Promise<string> {
    const running = this.state.current();
    if (running) {
      this.state.requestAnother(request);
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
      return running.sync.id;
    }
    return this.start(request);
  }

  private async start(request: SyncRequest): Promise<string> {
    const sync = { id: randomBase62(22), ...request, createdAt: new Date().toISOString() };
    this.state.begin(sync); // before the first await: a second begin now sees it running
    try {
      await new WarehouseSyncStore(this.env.DB).add(sync);
    } catch (error) {
      this.state.end();
      throw error;
    }
    await this.ctx.storage.setAlarm(Date.now());
    return sync.id;
  }

  /**
   * Rewrites the space's identity tables, on the object named IDENTITY_TABLES_WRITER only: calls
   * from every source's sync run here one after another (a promise chain: one object, one thread).
   */
  writeIdentityTables(): Promise<void> {
    const env = this.env;
    const stores = { bucket: env.ARCHIVE, files: new WarehouseFileStore(env.DB), columns: new WarehouseColumnStore(env.DB), now: () => new Date() };
    const identity: IdentityReaders = {
      shard: (name) => env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(name)),
      profile: (id) => env.PROFILES.get(env.PROFILES.idFromName(id)),
    };
    const run = this.identityWrites.then(() => writeIdentityTables(stores, env.SPACE_ID, identity));
    this.identityWrites = run.catch(() => undefined);
    return run;
  }

  private identityWrites: Promise<void> = Promise.resolve();

  override async alarm(): Promise<void> {
    const runner = new SyncRunner({
      bucket: this.env.ARCHIVE,
      db: this.env.DB,
      state: this.state,
      writeIdentityTables: () => this.env.WAREHOUSE_SYNCS.get(this.env.WAREHOUSE_SYNCS.idFromName(IDENTITY_TABLES_WRITER)).writeIdentityTables(),
      now: () => new Date(),
      tickBudgetMs: TICK_BUDGET_MS,
    });
    if (await runner.tick()) {
      await this.ctx.storage.setAlarm(Date.now());
      return;
    }
    const requested = this.state.requested();
    if (!requested) return;
    // Taken before the first await, so a request that arrives while this one starts is kept.
    this.state.clearRequested();
    try {
      await this.start(requested);
    } catch (error) {
      this.state.requestAnother(requested); // for the alarm's retry
      throw error;
    }
  }
}
