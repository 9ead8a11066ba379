import { z } from "zod";
import { parseStoredJson } from "../storage/stored-json";
import type { ReplaySpec } from "./replay-request";
import type { ReplayProgress, ReplayStatus } from "./replay-store";

export interface ReplaySummary {
  id: string;
  sourceId: string;
  destinationIds: string[];
  from: string;
  to: string;
  status: ReplayStatus;
  sent: number;
  total: number;
  createdAt: string;
  updatedAt: string;
}

interface ReplayRow {
  id: string;
  source_id: string;
  destination_ids: string;
  range_from: string;
  range_to: string;
  status: ReplayStatus;
  sent: number;
  total: number;
  created_at: string;
  updated_at: string;
}

/** The D1 list of replays: written when one starts and by its object as it runs. */
export class ReplayRegistry {
  constructor(private readonly db: D1Database) {}

  async add(spec: ReplaySpec): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO replays (id, source_id, destination_ids, range_from, range_to, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .bind(spec.id, spec.sourceId, JSON.stringify(spec.destinationIds), spec.from, spec.to, spec.createdAt, spec.createdAt)
      .run();
  }

  async remove(id: string): Promise<void> {
    await this.db.prepare("DELETE FROM replays WHERE id = ?").bind(id).run();
  }

  async update(progress: ReplayProgress): Promise<void> {
    await this.db
      // An ended replay's entry stays as it ended: a late, older snapshot cannot reopen it.
      .prepare("UPDATE replays SET status = ?, sent = ?, total = ?, updated_at = ? WHERE id = ? AND status = 'running'")
      .bind(progress.status, progress.sent, progress.total, progress.updatedAt, progress.id)
      .run();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.prepare("SELECT 1 FROM replays WHERE id = ?").bind(id).first()) !== null;
  }

  async list(limit: number): Promise<ReplaySummary[]> {
    const { results } = await this.db.prepare("SELECT * FROM replays ORDER BY created_at DESC, id LIMIT ?").bind(limit).all<ReplayRow>();
    return results.map((row) => ({
      id: row.id,
      sourceId: row.source_id,
      destinationIds: parseStoredJson(z.array(z.string()), row.destination_ids, `replays.destination_ids of ${row.id}`),
      from: row.range_from,
      to: row.range_to,
      status: row.status,
      sent: row.sent,
      total: row.total,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }
}
