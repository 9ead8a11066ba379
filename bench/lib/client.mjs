// HTTP helpers for the local Sluice. Node's global fetch (undici) keeps connections alive by
// default, so the load runner reuses one connection per worker instead of paying a handshake.

/** Local-dev defaults that `npm run dev` seeds (DESIGN.md, "Local development contract"). */
export const DEV = {
  sourceId: "dev_website",
  writeKey: "dev_write_key",
  adminToken: "dev_admin_token",
};

/** HTTP Basic for the Tracking API: the write key as user name, no password. */
const writeKeyAuth = (writeKey) => `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
const ADMIN_AUTH = `Bearer ${DEV.adminToken}`;

/** A ready-to-send Tracking API POST (to the seeded source unless given a write key); bodies are serialized before timing starts. */
export function trackingRequest(baseUrl, path, body, writeKey = DEV.writeKey) {
  return {
    url: `${baseUrl}${path}`,
    init: {
      method: "POST",
      headers: { Authorization: writeKeyAuth(writeKey), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    },
  };
}

/** Sends a request, drains its body (so the connection returns to the pool) and checks for 200. */
export async function send({ url, init }) {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${init?.method ?? "GET"} ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return text;
}

export async function adminGet(baseUrl, path) {
  return send({ url: `${baseUrl}${path}`, init: { headers: { Authorization: ADMIN_AUTH } } });
}

/** POSTs JSON to the admin API and returns the parsed answer; anything but a 2xx throws. */
export async function adminPost(baseUrl, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { Authorization: ADMIN_AUTH, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Events archived for a source so far, per the pipeline's own counters. */
export async function archivedCount(baseUrl, sourceId) {
  const stats = JSON.parse(await adminGet(baseUrl, `/api/v1/pipeline/stats?sourceId=${encodeURIComponent(sourceId)}`));
  return stats.archived;
}

/** The archive of a source (optionally from an instant on) as parsed NDJSON lines. */
export async function readArchive(baseUrl, sourceId, from) {
  const params = new URLSearchParams({ sourceId });
  if (from) params.set("from", from.toISOString());
  const text = await adminGet(baseUrl, `/api/v1/archive?${params}`);
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}
