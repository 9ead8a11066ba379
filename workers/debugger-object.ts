import { DurableObject } from "cloudflare:workers";
import { DebuggerBuffer, type BufferChange, type StoredEntry } from "../src/debugger/buffer";
import type { DebuggerEntry, JourneyUpdate } from "../src/debugger/entry";
import { debuggerEntrySchema } from "../src/debugger/entry-schema";
import { coveredFrom } from "../src/privacy/covered";
import { entryHoldsCoveredPerson } from "../src/privacy/debugger-erase";
import { streamMessages } from "../src/debugger/stream-messages";
import type { AppEnv } from "../src/env";
import { migrateSchema, type SchemaStep } from "../src/storage/migrate-schema";
import { parseStoredJson } from "../src/storage/stored-json";

/** The buffer's SQLite schema, one step per version (src/storage/migrate-schema.ts). */
export const DEBUGGER_SCHEMA: readonly SchemaStep[] = [
  `CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, bytes INTEGER NOT NULL, body TEXT NOT NULL)`,
];

/**
 * One source's live debugger: its newest events (src/debugger/buffer.ts) kept in SQLite, and the
 * WebSockets of the consoles watching it. Sockets use the hibernation API, so an open debugger
 * with nothing to show costs no running object; the buffer is read back when the object wakes.
 */
export class DebuggerObject extends DurableObject<AppEnv> {
  private buffer?: DebuggerBuffer;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    migrateSchema(ctx.storage, DEBUGGER_SCHEMA);
  }

  /** New entries from the pipeline or the Tracking API; an id already held merges into it. */
  record(entries: DebuggerEntry[]): void {
    this.apply(this.loaded().record(entries));
  }

  /** Later stages' news (deliveries) about accepted events, by messageId. */
  update(journeys: JourneyUpdate[]): void {
    this.apply(this.loaded().update(journeys));
  }

  /** The buffer, newest first. */
  recent(): DebuggerEntry[] {
    return this.loaded().recent();
  }

  /**
   * A deletion: removes the entries of the people whose identifier keys are `keys`. Consoles
   * already showing them keep what they received until they reload; nothing new about them is sent.
   */
  purge(keys: string[]): number {
    const covered = coveredFrom(keys);
    const change = this.loaded().remove((entry) => entryHoldsCoveredPerson(entry, covered));
    this.apply(change);
    return change.evicted.length;
  }

  /** A WebSocket upgrade (routed here by `GET /api/v1/sources/:id/debugger`) opens a live stream. */
  override fetch(request: Request): Response {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade.", { status: 426 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The stream is one way: the console sends nothing the object needs (pause and search are the page's own). */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    // 1005 and 1006 say no code was sent; they may not be sent back.
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  }

  private loaded(): DebuggerBuffer {
    if (!this.buffer) {
      const rows = this.ctx.storage.sql.exec<{ id: string; seq: number; bytes: number; body: string }>("SELECT id, seq, bytes, body FROM entries").toArray();
      const stored: StoredEntry[] = [];
      for (const row of rows) {
        try {
          stored.push({ seq: row.seq, bytes: row.bytes, entry: parseStoredJson(debuggerEntrySchema, row.body, `debugger entry ${row.id}`) });
        } catch (error) {
          // One unreadable row must not hide a source's other events: it is dropped, said in the log.
          console.error(error);
          this.ctx.storage.sql.exec("DELETE FROM entries WHERE id = ?", row.id);
        }
      }
      this.buffer = new DebuggerBuffer(stored);
    }
    return this.buffer;
  }

  private apply(change: BufferChange): void {
    const { sql } = this.ctx.storage;
    this.ctx.storage.transactionSync(() => {
      for (const id of change.evicted) sql.exec("DELETE FROM entries WHERE id = ?", id);
      // An upsert: a delivery's news rewrites its entry's row in place (1 row written) where a
      // replace would delete and re-insert the row and its id's index entry (2).
      for (const { seq, bytes, entry } of change.saved) {
        sql.exec(
          `INSERT INTO entries (id, seq, bytes, body) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, bytes = excluded.bytes, body = excluded.body`,
          entry.id,
          seq,
          bytes,
          JSON.stringify(entry),
        );
      }
    });
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0 || change.saved.length === 0) return;
    for (const message of streamMessages(change.saved)) {
      for (const socket of sockets) {
        try {
          socket.send(message);
        } catch (error) {
          console.error("a debugger socket refused a message; the console reconnects", error);
        }
      }
    }
  }
}
