import { expect } from "vitest";
import type { Json } from "./events";
import { canonicalJson } from "./oracle";

/**
 * What the Tracking API said about each event the properties sent, so the archive can be checked
 * against it at the end: every accepted event is there once, as sent; no refused one is.
 */

/** Fields the edge sets or rewrites (enrich.ts); the rest of an event is archived as sent. */
const REWRITTEN = new Set(["writeKey", "type", "timestamp", "originalTimestamp", "sentAt", "receivedAt", "projectId", "context", "integrations"]);
/** Ids Segment libraries may send as numbers: the edge stores them as strings. */
const IDS = new Set(["userId", "anonymousId", "groupId", "previousId"]);

interface Accepted {
  type: string;
  sent: Json;
  note: string;
}

export class Ledger {
  private readonly accepted = new Map<string, Accepted>();
  private readonly refused = new Set<string>();

  /** An event the API answered 200 for; `type` is what the archive must say (the route's, on /v1/<call>). */
  accept(sent: Json, type: string, note: string): void {
    const messageId = sent.messageId;
    expect(typeof messageId, `${note}: accepted events in these properties carry a messageId`).toBe("string");
    expect(this.accepted.has(messageId as string), `${note}: messageId ${String(messageId)} sent twice`).toBe(false);
    this.accepted.set(messageId as string, { type, sent, note });
  }

  refuse(sent: unknown): void {
    const messageId = (sent as { messageId?: unknown } | null)?.messageId;
    if (typeof messageId === "string") this.refused.add(messageId);
  }

  acceptedIds(): Set<string> {
    return new Set(this.accepted.keys());
  }

  get size(): { accepted: number; refused: number } {
    return { accepted: this.accepted.size, refused: this.refused.size };
  }

  /** Checks the archive's NDJSON lines against what was accepted and refused. */
  checkArchive(lines: readonly string[]): void {
    const seen = new Map<string, Json>();
    for (const [index, line] of lines.entries()) {
      let event: Json;
      try {
        event = JSON.parse(line) as Json;
      } catch (error) {
        throw new Error(`archive line ${index} is not JSON (${String(error)}): ${line.slice(0, 300)}`);
      }
      expect(typeof event, `archive line ${index}`).toBe("object");
      const messageId = event.messageId as string;
      expect(seen.has(messageId), `messageId ${messageId} archived twice`).toBe(false);
      seen.set(messageId, event);
      expect(this.refused.has(messageId), `refused event ${messageId} was archived: ${line.slice(0, 300)}`).toBe(false);
    }
    for (const [messageId, { type, sent, note }] of this.accepted) {
      const archived = seen.get(messageId);
      expect(archived, `accepted event ${messageId} (${note}) is in the archive`).toBeDefined();
      expect(archived!.type, `${messageId}: type`).toBe(type);
      expect(archived!.writeKey, `${messageId}: the write key is a credential and is never archived`).toBeUndefined();
      for (const [field, value] of Object.entries(sent)) {
        if (REWRITTEN.has(field)) continue;
        const expected = IDS.has(field) && typeof value === "number" ? String(value) : value;
        expect(canonicalJson(own(archived!, field)), `${messageId} (${note}): ${field} archived as sent`).toBe(canonicalJson(expected));
      }
      const context = (sent.context ?? {}) as Json;
      for (const [key, value] of Object.entries(context)) {
        expect(canonicalJson(own(archived!.context as Json, key)), `${messageId} (${note}): context.${key} archived as sent`).toBe(canonicalJson(value));
      }
    }
  }
}

/** The object's own value at `key` (never one inherited from Object.prototype). */
function own(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
