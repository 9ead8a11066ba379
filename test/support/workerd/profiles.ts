import { env } from "cloudflare:workers";
import { app } from "../../../workers/app";
import { waitFor } from "./archive";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };
export const PROFILE_AUTH = { Authorization: `Basic ${btoa("test_profile_token:")}` };

export async function createSource(name = "Identity test source"): Promise<{ id: string; writeKey: string }> {
  const response = await app.request("/api/v1/sources", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) }, env);
  if (response.status !== 201) throw new Error(`creating a source answered ${response.status}`);
  return ((await response.json()) as { source: { id: string; writeKey: string } }).source;
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
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** Waits until the consumer has taken `messageId` into the profile of `identifier`. */
export async function waitForEvent(identifier: string, messageId: string, collection = "users", timeoutMs = 20_000): Promise<void> {
  const found = await waitFor(
    () => getProfile<{ data?: { message_id: string }[] }>(profilePath(identifier, "events", "?limit=100", collection)),
    (answer) => answer.status === 200 && (answer.body.data ?? []).some((event) => event.message_id === messageId),
    timeoutMs,
  );
  if (!(found.body.data ?? []).some((event) => event.message_id === messageId)) {
    throw new Error(`event ${messageId} never reached the profile of ${identifier}: ${JSON.stringify(found)}`);
  }
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
