import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { waitUntil } from "../../support/wait-until";

export { waitUntil };

/** Local-dev defaults that `npm run dev` seeds (DESIGN.md, "Local development contract"). */
export const DEV = {
  sourceId: "dev_website",
  writeKey: "dev_write_key",
  adminToken: "dev_admin_token",
  profileToken: "dev_profile_token",
} as const;

export interface Source {
  id: string;
  name: string;
  writeKey: string;
  enabled: boolean;
}

/** One line of the archive: the event as accepted, with the fields the edge guarantees. */
export interface ArchivedEvent {
  type: string;
  messageId: string;
  receivedAt: string;
  timestamp: string;
  projectId: string;
  context: Record<string, unknown>;
  [field: string]: unknown;
}

export interface PipelineStats {
  windowHours: number;
  archived: number;
  duplicates: number;
  suppressedByDay: { day: string; count: number }[];
}

/** The URL of the Sluice that global-setup started. */
export function baseUrl(): string {
  return inject("baseUrl");
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
}

// ---------------------------------------------------------------------------------------------
// Admin API
// ---------------------------------------------------------------------------------------------

export async function adminFetch(path: string, init: RequestInit = {}, token: string = DEV.adminToken): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  return fetch(`${baseUrl()}${path}`, { ...init, headers });
}

async function adminJson<T>(path: string, init: RequestInit, expectedStatus: number): Promise<T> {
  const response = await adminFetch(path, init);
  const text = await response.text();
  if (response.status !== expectedStatus) {
    throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}, expected ${expectedStatus}: ${text}`);
  }
  return JSON.parse(text) as T;
}

/** A fresh source, so a test file sees only its own events in the archive. */
export async function createSource(name: string): Promise<Source> {
  const { source } = await adminJson<{ source: Source }>("/api/v1/sources", { method: "POST", body: JSON.stringify({ name }) }, 201);
  return source;
}

export async function updateSource(id: string, changes: { name?: string; enabled?: boolean }): Promise<Source> {
  const { source } = await adminJson<{ source: Source }>(`/api/v1/sources/${encodeURIComponent(id)}`, { method: "PATCH", body: JSON.stringify(changes) }, 200);
  return source;
}

export async function pipelineStats(sourceId: string): Promise<PipelineStats> {
  return adminJson<PipelineStats>(`/api/v1/pipeline/stats?sourceId=${encodeURIComponent(sourceId)}`, {}, 200);
}

export interface ArchiveQuery {
  sourceId?: string;
  from?: string;
  to?: string;
}

export function archivePath(query: ArchiveQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, string | undefined][]) if (value !== undefined) params.set(key, value);
  return `/api/v1/archive?${params.toString()}`;
}

/** Reads the archive (NDJSON) and parses every line. */
export async function readArchive(query: ArchiveQuery): Promise<ArchivedEvent[]> {
  const response = await adminFetch(archivePath(query));
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${archivePath(query)} answered ${response.status}: ${text}`);
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ArchivedEvent);
}

/**
 * Polls a source's archive until `predicate` holds for its events, and returns them. DESIGN.md
 * promises events accepted with a 200 are archived within 10 s, hence the default timeout.
 */
export async function waitForArchive(
  sourceId: string,
  predicate: (events: ArchivedEvent[]) => boolean,
  timeoutMs = 10_000,
  what = "the expected events",
): Promise<ArchivedEvent[]> {
  return waitUntil(`${what} in the archive of source ${sourceId}`, () => readArchive({ sourceId }), predicate, {
    timeoutMs,
    intervalMs: 250,
    describe: (events) =>
      `${events.length} events (last: ${
        events
          .map((event) => `${event.type}:${event.messageId}`)
          .slice(-20)
          .join(", ") || "none"
      })`,
  });
}

/** Waits until the archive holds an event with each of `messageIds`; returns them by messageId. */
export async function waitForMessages(sourceId: string, messageIds: readonly string[], timeoutMs = 10_000): Promise<Map<string, ArchivedEvent>> {
  const events = await waitForArchive(
    sourceId,
    (all) => {
      const ids = new Set(all.map((event) => event.messageId));
      return messageIds.every((id) => ids.has(id));
    },
    timeoutMs,
    `messages ${messageIds.join(", ")}`,
  );
  return new Map(events.filter((event) => messageIds.includes(event.messageId)).map((event) => [event.messageId, event]));
}

/** How many archived events carry each messageId. */
export function countByMessageId(events: readonly ArchivedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.messageId, (counts.get(event.messageId) ?? 0) + 1);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Tracking API
// ---------------------------------------------------------------------------------------------

export interface TrackingResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON answer, or undefined when the answer is not JSON. */
  json: Record<string, unknown> | undefined;
  text: string;
}

export interface SendOptions {
  /** Sent as HTTP Basic user name when set. */
  writeKey?: string;
  headers?: Record<string, string>;
}

/** POSTs `body` (an object, serialized as JSON, or raw bytes/text) to a Tracking API path. */
export async function send(path: string, body: unknown, options: SendOptions = {}): Promise<TrackingResponse> {
  const headers = new Headers(options.headers);
  if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  if (options.writeKey !== undefined) headers.set("Authorization", basicAuth(options.writeKey));
  // Node's Uint8Arrays here are ArrayBuffer-backed; the cast lets this file also type-check
  // under the DOM lib (the browser suite imports it), whose BodyInit refuses SharedArrayBuffer.
  const payload = typeof body === "string" ? body : body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body);
  const response = await fetch(`${baseUrl()}${path}`, { method: "POST", headers, body: payload });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
