import { DurableObject } from "cloudflare:workers";
import { readArchiveLines } from "../src/archive/read-archive";
import type { AppEnv } from "../src/env";
import type { ProfileView } from "../src/identity/profile-view";
import { COVERAGE_CONCURRENCY } from "../src/privacy/coverage";
import { exportStep, initialExportState, type ExportDeps, type ExportState } from "../src/privacy/export-runner";
import { indexedObjectKeys } from "../src/privacy/index-reader";
import { hashSubjectKeys, userIdKey } from "../src/privacy/subject-keys";
import { exportPartKey } from "../src/privacy/subject-export-download";
import { SubjectExportStore, type SubjectExport } from "../src/privacy/subject-export-store";
import { findProfile } from "../src/profile-api/find-profile";

const STATE = "state";
const EXPORT_ID = "exportId";

/**
 * One subject access export, driven by alarms: its state (phase, cursor, counts) lives in this
 * object's storage, so the export survives crashes and deploys and resumes at its cursor. The
 * steps are src/privacy/export-runner.ts; this class wires R2, D1 and the profiles to them.
 */
export class SubjectExportObject extends DurableObject<AppEnv> {
  /** Starts the export once; starting it again changes nothing. */
  async start(exportId: string): Promise<void> {
    if (this.ctx.storage.kv.get<string>(EXPORT_ID) !== undefined) return;
    this.ctx.storage.kv.put(EXPORT_ID, exportId);
    this.ctx.storage.kv.put(STATE, initialExportState());
    await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    const exportId = this.ctx.storage.kv.get<string>(EXPORT_ID);
    const state = this.ctx.storage.kv.get<ExportState>(STATE);
    if (!exportId || !state || state.phase === "done") return;
    const store = new SubjectExportStore(this.env.DB);
    const subject = await store.get(exportId);
    if (!subject) return;
    let next: ExportState;
    try {
      next = await exportStep(subject, state, await this.deps(subject));
    } catch (error) {
      // Left in place: the next alarm tries the same step again; the API shows the last error.
      console.error(`subject export ${exportId}: a step failed; retrying`, error);
      await store.save(
        exportId,
        "RUNNING",
        state.progress,
        new Date(),
        `a step failed and is retried: ${error instanceof Error ? error.message : String(error)}`,
      );
      await this.ctx.storage.setAlarm(Date.now() + 5_000);
      return;
    }
    this.ctx.storage.kv.put(STATE, next);
    await store.save(exportId, next.phase === "done" ? "FINISHED" : "RUNNING", next.progress, new Date());
    if (next.phase !== "done") await this.ctx.storage.setAlarm(Date.now());
  }

  private async deps(subject: SubjectExport): Promise<ExportDeps> {
    const hashes = await hashSubjectKeys(subject.covered);
    const env = this.env;
    return {
      indexPage: (cursor, limit) => indexedObjectKeys(env.DB, hashes, cursor, limit),
      readLines: (key) => readArchiveLines(env.ARCHIVE, key),
      profiles: async (userIds) => {
        // As coverage does: a bounded number of look-ups in flight, one profile once however many userIds lead to it.
        const views = new Map<string, ProfileView>();
        for (let start = 0; start < userIds.length; start += COVERAGE_CONCURRENCY) {
          const found = await Promise.all(userIds.slice(start, start + COVERAGE_CONCURRENCY).map((userId) => findProfile(env, "users", userIdKey(userId))));
          for (const profile of found) if (profile) views.set(profile.view.id, profile.view);
        }
        return [...views.values()];
      },
      writePart: async (name, ndjson) => {
        await env.ARCHIVE.put(exportPartKey(subject.id, name), ndjson, { httpMetadata: { contentType: "application/x-ndjson" } });
      },
    };
  }
}
