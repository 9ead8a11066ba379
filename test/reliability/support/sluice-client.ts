// HTTP clients for one local Sluice: the admin API, the Profile API and the archive, by base URL
// (the e2e helpers read theirs from vitest's global setup; these suites start their own servers).

/** Local-dev defaults that `npm run dev` seeds (DESIGN.md, "Local development contract"). */
export const DEV = {
  sourceId: "dev_website",
  writeKey: "dev_write_key",
  adminToken: "dev_admin_token",
  profileToken: "dev_profile_token",
  spaceId: "default",
} as const;

/** No request may hang a wait: a dev server under load can leave one unanswered. */
const REQUEST_TIMEOUT_MS = 60_000;

export function basicAuth(user: string): string {
  return `Basic ${Buffer.from(`${user}:`).toString("base64")}`;
}

async function answered(response: Response, what: string, expected: number): Promise<string> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${what} answered ${response.status}, expected ${expected}: ${text.slice(0, 500)}`);
  return text;
}

export async function adminJson<T>(baseUrl: string, method: string, path: string, body?: unknown, expected = method === "POST" ? 201 : 200): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${DEV.adminToken}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return JSON.parse(await answered(response, `${method} ${path}`, expected)) as T;
}

export interface ArchivedEvent {
  messageId: string;
  type: string;
  receivedAt: string;
  userId?: string;
  anonymousId?: string;
  [field: string]: unknown;
}

/** Every archived event of a source, as the admin archive endpoint streams them. */
export async function readArchive(baseUrl: string, sourceId: string): Promise<ArchivedEvent[]> {
  const path = `/api/v1/archive?sourceId=${encodeURIComponent(sourceId)}`;
  const text = await answered(
    await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${DEV.adminToken}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    `GET ${path}`,
    200,
  );
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ArchivedEvent);
}

export async function createWebhook(baseUrl: string, sourceId: string, url: string): Promise<string> {
  const { destination } = await adminJson<{ destination: { id: string } }>(baseUrl, "POST", "/api/v1/destinations", {
    name: "Reliability receiver",
    type: "webhook",
    enabled: true,
    sourceIds: [sourceId],
    settings: { url },
  });
  return destination.id;
}

export interface DebuggerEntry {
  kind: "accepted" | "invalid" | "duplicate";
  messageId: string | null;
  event: unknown;
  error?: { message: string; field: string };
}

export async function readDebugger(baseUrl: string, sourceId: string): Promise<DebuggerEntry[]> {
  return (await adminJson<{ events: DebuggerEntry[] }>(baseUrl, "GET", `/api/v1/sources/${encodeURIComponent(sourceId)}/debugger`)).events;
}

export interface ProfileView {
  /** `type:value` of every identifier the profile holds. */
  identifiers: string[];
  /** messageIds of the events the profile holds, in the order listed (repeats kept). */
  eventIds: string[];
  segmentId: string;
}

async function profileJson<T>(baseUrl: string, path: string): Promise<T | null> {
  const url = `${baseUrl}/v1/spaces/${DEV.spaceId}/collections/users/profiles/${path}`;
  const response = await fetch(url, { headers: { Authorization: basicAuth(DEV.profileToken) }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (response.status === 404) {
    await response.arrayBuffer();
    return null;
  }
  return JSON.parse(await answered(response, `GET ${url}`, 200)) as T;
}

interface Page<T> {
  data: T[];
  cursor: { has_more: boolean; next: string };
}

async function allPages<T>(baseUrl: string, path: string, limit: number): Promise<T[] | null> {
  const items: T[] = [];
  for (let next = ""; ;) {
    const page = await profileJson<Page<T>>(baseUrl, `${path}?limit=${limit}${next ? `&next=${encodeURIComponent(next)}` : ""}`);
    if (!page) return null;
    items.push(...page.data);
    if (!page.cursor.has_more) return items;
    next = page.cursor.next;
  }
}

/** The segment_id an identifier (`email:a@b.c`) resolves to, merges followed; null when none does. */
export async function readSegmentId(baseUrl: string, identifier: string): Promise<string | null> {
  const metadata = await profileJson<{ metadata: { segment_id: string } }>(baseUrl, `${encodeURIComponent(identifier)}/metadata`);
  return metadata?.metadata.segment_id ?? null;
}

/** The profile an identifier (`user_id:u1`) resolves to, merges followed; null when none does. */
export async function readProfile(baseUrl: string, identifier: string): Promise<ProfileView | null> {
  const key = encodeURIComponent(identifier);
  const metadata = await profileJson<{ metadata: { segment_id: string } }>(baseUrl, `${key}/metadata`);
  if (!metadata) return null;
  const ids = await allPages<{ type: string; id: string }>(baseUrl, `${key}/external_ids`, 100);
  const events = await allPages<{ message_id: string }>(baseUrl, `${key}/events`, 100);
  if (!ids || !events) return null;
  return {
    segmentId: metadata.metadata.segment_id,
    identifiers: ids.map(({ type, id }) => `${type}:${id}`).sort(),
    eventIds: events.map((event) => event.message_id),
  };
}
