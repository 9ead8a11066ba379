import type { AcceptedEvent } from "../../spec/accepted-event";
import { SourceStore } from "../../sources/source-store";
import type { WarehouseColumn } from "../parquet/types";
import { isSentToWarehouse } from "../schema/selective-sync";
import { profileCallOf } from "../schema/users-accounts";
import { WarehouseColumnStore } from "../store/warehouse-columns";
import { WarehouseFileStore, type WarehouseFile } from "../store/warehouse-files";
import { selectiveSyncOf, WarehouseSourceStore, type WarehouseSource } from "../store/warehouse-sources";
import { WarehouseSyncStore } from "../store/warehouse-syncs";
import { hourFingerprint, listArchiveHour, listArchiveHours, planHours, type ArchiveObject } from "./archive-hours";
import { foldProfileRows } from "./profile-rows";
import type { CurrentSync, SyncState } from "./sync-state";
import { writeHour } from "./write-hour";
import { replaceSnapshot } from "./write-snapshot";

export interface SyncDeps {
  bucket: R2Bucket;
  db: D1Database;
  state: SyncState;
  /** Rewrites the space's identity tables (through their one writer: identity-snapshot.ts). */
  writeIdentityTables: () => Promise<void>;
  now: () => Date;
  /** Wall time one tick may start new hours in; an hour started is finished, then the next alarm goes on. */
  tickBudgetMs: number;
}

/**
 * One source's sync, moved by its Durable Object's alarms: plan (which hours changed), write
 * each changed hour (committed one by one, so a crash resumes at the hour it was in and rewrites
 * it in place), then the tables of current state. A failure ends the sync as `failed` with its
 * error; the hours already written stay, and the next sync goes on from them.
 */
export class SyncRunner {
  private readonly syncs: WarehouseSyncStore;
  private readonly sources: WarehouseSourceStore;
  private readonly files: WarehouseFileStore;
  private readonly columns: WarehouseColumnStore;

  constructor(private readonly deps: SyncDeps) {
    this.syncs = new WarehouseSyncStore(deps.db);
    this.sources = new WarehouseSourceStore(deps.db);
    this.files = new WarehouseFileStore(deps.db);
    this.columns = new WarehouseColumnStore(deps.db);
  }

  /** Does the next step of the running sync; answers whether there is more to do. */
  async tick(): Promise<boolean> {
    const current = this.deps.state.current();
    if (!current) return false;
    const { sync, phase } = current;
    try {
      if (phase === "plan") await this.plan(sync);
      else if (phase === "hours") await this.writeHours(sync);
      else {
        await this.writeSnapshots(sync);
        await this.syncs.finish(sync.id, { status: "succeeded" }, this.deps.now());
        this.deps.state.end();
        return false;
      }
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(JSON.stringify({ warehouseSync: sync.id, sourceId: sync.sourceId, phase, error: message }));
      await this.syncs.finish(sync.id, { status: "failed", error: message }, this.deps.now());
      this.deps.state.end();
      return false;
    }
  }

  private async source(sync: CurrentSync): Promise<WarehouseSource> {
    const source = await new SourceStore(this.deps.db).get(sync.sourceId);
    if (!source) throw new Error(`source ${sync.sourceId} no longer exists`);
    return this.sources.ensure(source, this.deps.now());
  }

  private async plan(sync: CurrentSync): Promise<void> {
    const source = await this.source(sync);
    const listed = new Map<string, string>();
    for (const [hour, objects] of await listArchiveHours(this.deps.bucket, sync.sourceId)) listed.set(hour, await hourFingerprint(objects, settingsOf(source)));
    const plan = planHours(listed, this.deps.state.hours(), sync.full);
    this.deps.state.plan(plan);
    await this.syncs.progress(sync.id, { hoursTotal: plan.length });
  }

  private async writeHours(sync: CurrentSync): Promise<void> {
    const source = await this.source(sync);
    const known = await this.columns.tables(sync.sourceId);
    const deadline = this.deps.now().getTime() + this.deps.tickBudgetMs;
    for (let pending = this.deps.state.nextPending(); pending; pending = this.deps.state.nextPending()) {
      const objects = await listArchiveHour(this.deps.bucket, sync.sourceId, pending.hour);
      const written = objects.length === 0 ? await this.removeHour(sync, pending.hour) : await this.writeHour(sync, source, pending.hour, objects, known);
      await this.syncs.progress(sync.id, { hoursSynced: 1, ...written });
      if (this.deps.now().getTime() >= deadline) return;
    }
    this.deps.state.toSnapshots();
  }

  private async writeHour(
    sync: CurrentSync,
    source: WarehouseSource,
    hour: string,
    objects: ArchiveObject[],
    known: Map<string, WarehouseColumn[]>,
  ): Promise<{ rowsWritten: number; filesWritten: number }> {
    const { state } = this.deps;
    const fingerprint = await hourFingerprint(objects, settingsOf(source));
    state.startHour(hour);
    const excluded = new Set(source.excludedEvents);
    const keepCall = (event: AcceptedEvent) => {
      const call = profileCallOf(event);
      if (!call || !isSentToWarehouse(event) || excluded.has(call.kind === "user" ? "users" : "accounts")) return;
      state.addProfileCall(call.kind, call.id, call.messageId, hour, JSON.stringify(call));
    };
    const written = await writeHour(
      this.deps.bucket,
      { slug: source.slug, hour, objects, selectiveSync: selectiveSyncOf(source), knownColumns: known },
      keepCall,
    );
    const now = this.deps.now();
    for (const [table, added] of written.addedColumns) {
      const columns = known.get(table) ?? [];
      await this.columns.add(sync.sourceId, table, columns.length, added, now);
      known.set(table, [...columns, ...added]);
    }
    await this.recordFiles(sync.sourceId, hour, written.files, state.notedFiles(hour));
    state.completeHour(hour, fingerprint);
    return { rowsWritten: written.rows, filesWritten: written.files.length };
  }

  /** An hour gone from the archive (retention, or a deletion that emptied it): its files go too. */
  private async removeHour(sync: CurrentSync, hour: string): Promise<{ rowsWritten: number; filesWritten: number }> {
    await this.recordFiles(sync.sourceId, hour, [], this.deps.state.notedFiles(hour));
    this.deps.state.completeHour(hour, null);
    return { rowsWritten: 0, filesWritten: 0 };
  }

  /**
   * Records a partition's new files, then deletes the ones it no longer has (a table gone, fewer
   * parts, another slug), and any `noted` key an interrupted write left in R2 unrecorded.
   */
  private async recordFiles(sourceId: string, hour: string, files: WarehouseFile[], noted: readonly string[]): Promise<void> {
    const before = new Set([...(await this.files.keysOf(sourceId, hour)), ...noted]);
    await this.files.replace(sourceId, hour, files, this.deps.now());
    for (const file of files) before.delete(file.key);
    if (before.size > 0) await this.deps.bucket.delete([...before]);
  }

  private async writeSnapshots(sync: CurrentSync): Promise<void> {
    const source = await this.source(sync);
    const excluded = new Set(source.excludedEvents);
    const stores = { bucket: this.deps.bucket, files: this.files, columns: this.columns, now: this.deps.now };
    for (const [kind, table] of [
      ["user", "users"],
      ["account", "accounts"],
    ] as const) {
      const rows = () => (excluded.has(table) ? [] : foldProfileRows(this.deps.state.profileCalls(kind)));
      await replaceSnapshot(stores, { sourceId: sync.sourceId, schema: source.slug, table, rows });
    }
    await this.deps.writeIdentityTables();
  }
}

/** What, beside the archive, an hour's files depend on. */
function settingsOf(source: WarehouseSource) {
  return { slug: source.slug, excludedEvents: source.excludedEvents, excludedProperties: source.excludedProperties };
}
