import { env } from "cloudflare:workers";
import { app } from "../../../workers/app";
import { waitUntil } from "../wait-until";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };
export const PROFILE_AUTH = { Authorization: `Basic ${btoa("test_profile_token:")}` };

export async function createSource(name = "Identity test source"): Promise<{ id: string; writeKey: string }> {
  const response = await app.request("/api/v1/sources", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) }, env);
  if (response.status !== 201) throw new Error(`creating a source answered ${response.status}`);
  return (await response.json<{ source: { id: string; writeKey: string } }>()).source;
}

/** Sends events through the Tracking API's batch route, as a client would. */
export async function sendBatch(writeKey: string, batch: object[]): Promise<void> {
  const response = await app.request(
    "/v1/batch",
    { method: "POST", headers: { Authorization: `Basic ${btoa(`${writeKey}:`)}`, "Content-Type": "application/json" }, body: JSON.stringify({ batch }) },
    env,
  );
  if (response.status !== 200) throw new Error(`batch answered ${response.status}: ${await response.text()}`);
}

export function profilePath(identifier: string, resource: string, query = "", collection = "users"): string {
  const colon = identifier.indexOf(":");
  const encoded = `${identifier.slice(0, colon)}:${encodeURIComponent(identifier.slice(colon + 1))}`;
  return `/v1/spaces/${env.SPACE_ID}/collections/${collection}/profiles/${encoded}/${resource}${query}`;
}

export async function getProfile<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await app.request(path, { headers: PROFILE_AUTH }, env);
  return { status: response.status, body: await response.json<T>(), headers: response.headers };
}

/** Every event on the profile of `identifier`, following the Profile API's pages. */
export async function profileEventIds(identifier: string, collection = "users"): Promise<{ status: number; ids: string[] }> {
  const ids: string[] = [];
  let query = "?limit=100";
  for (let page = 0; page < 20; page += 1) {
    const answer = await getProfile<{ data?: { message_id: string }[]; cursor?: { has_more: boolean; next: string } }>(
      profilePath(identifier, "events", query, collection),
    );
    if (answer.status !== 200) return { status: answer.status, ids };
    ids.push(...(answer.body.data ?? []).map((event) => event.message_id));
    if (!answer.body.cursor?.has_more) break;
    query = `?limit=100&next=${encodeURIComponent(answer.body.cursor.next)}`;
  }
  return { status: 200, ids };
}

/** Waits until the consumer has taken `messageId` into the profile of `identifier`. */
export async function waitForEvent(identifier: string, messageId: string, collection = "users", timeoutMs = 20_000): Promise<void> {
  await waitUntil(
    `event ${messageId} in the profile of ${identifier}`,
    () => profileEventIds(identifier, collection),
    (answer) => answer.ids.includes(messageId),
    { timeoutMs, describe: (answer) => `answer ${answer.status}, ${answer.ids.length} events` },
  );
}

export async function segmentIdOf(identifier: string, collection = "users"): Promise<string | undefined> {
  const answer = await getProfile<{ metadata?: { segment_id: string } }>(profilePath(identifier, "metadata", "", collection));
  return answer.status === 200 ? answer.body.metadata?.segment_id : undefined;
}

export async function externalIds(identifier: string): Promise<Record<string, string[]>> {
  const answer = await getProfile<{ data: { type: string; id: string }[] }>(profilePath(identifier, "external_ids", "?limit=100"));
  const grouped: Record<string, string[]> = {};
  for (const { type, id } of answer.body.data) (grouped[type] ??= []).push(id);
  for (const values of Object.values(grouped)) values.sort();
  return grouped;
}

export const unique = (prefix: string) => `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
