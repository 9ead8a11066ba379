import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { startDevServer } from "../../../../scripts/dev-server.mjs";
import { waitUntil } from "../../../support/wait-until";
import { basicAuth, Client, type Answer } from "./client";

/** Local-dev credentials `npm run dev` seeds (DESIGN.md, "Local development contract"). */
export const DEV = { writeKey: "dev_write_key", adminToken: "dev_admin_token", profileToken: "dev_profile_token", spaceId: "default" } as const;

export const ADMIN_AUTH = { Authorization: `Bearer ${DEV.adminToken}` } as const;
export const PROFILE_AUTH = { Authorization: basicAuth(DEV.profileToken) } as const;

export interface Sluice {
  client: Client;
  /** Call when a test failed: `stop` then prints the end of the server's log. */
  noteFailure(): void;
  /** GET /health answers 200: the Worker is still up. */
  expectHealthy(): Promise<void>;
  admin(method: string, path: string, body?: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

/** A private Sluice (wrangler dev on a free port, fresh state) for one test file. */
export async function startSluice(label: string): Promise<Sluice> {
  const server = await startDevServer({ label, keep: Boolean(process.env.SLUICE_RELIABILITY_KEEP), log: (line: string) => console.log(`[${label}] ${line}`) });
  const client = new Client(server.baseUrl);
  let failed = false;
  return {
    client,
    noteFailure: () => {
      failed = true;
    },
    async expectHealthy() {
      const answer = await client.request({ path: "/health" });
      expect(answer.status, `GET /health after hostile input: ${answer.text}`).toBe(200);
    },
    admin: (method, path, body) =>
      client.request({
        method,
        path,
        headers: { ...ADMIN_AUTH, "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async stop() {
      if (client.proxyRetries > 0)
        console.warn(
          `[${label}] wrangler dev's proxy answered 503 "worker restarted mid-request" ${client.proxyRetries} times; those requests were sent again`,
        );
      if (client.resets > 0) console.warn(`[${label}] the server closed ${client.resets} connections before answering; those requests were sent again`);
      client.close();
      if (failed) console.log(`[${label}] the end of the server's log (${server.logPath}):\n${tail(server.logPath, 80)}`);
      if (server.reloads() > 0) console.warn(`[${label}] wrangler reloaded the Worker during the run: src/ changed under it`);
      await server.stop();
    },
  };
}

/** The answer's JSON, after checking its status. */
export function jsonOf<T>(answer: Answer, status: number, what: string): T {
  expect(answer.status, `${what}: ${answer.text.slice(0, 500)}`).toBe(status);
  return answer.json as T;
}

export interface Source {
  id: string;
  writeKey: string;
}

export async function createSource(sluice: Sluice, name: string): Promise<Source> {
  return jsonOf<{ source: Source }>(await sluice.admin("POST", "/api/v1/sources", { name }), 201, "POST /api/v1/sources").source;
}

/** A source's archive as raw NDJSON lines (the admin archive endpoint). */
export async function archiveLines(sluice: Sluice, sourceId: string): Promise<string[]> {
  const answer = await sluice.admin("GET", `/api/v1/archive?sourceId=${encodeURIComponent(sourceId)}`);
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  expect(answer.headers["content-type"]).toContain("application/x-ndjson");
  return answer.text.split("\n").filter((line) => line !== "");
}

/** Waits until the archive holds every one of `messageIds`; answers its lines. */
export async function waitForArchived(sluice: Sluice, sourceId: string, messageIds: ReadonlySet<string>, timeoutMs: number): Promise<string[]> {
  return waitUntil(
    `${messageIds.size} accepted events in the archive of ${sourceId}`,
    () => archiveLines(sluice, sourceId),
    (lines) => {
      const seen = new Set(lines.map((line) => (JSON.parse(line) as { messageId?: string }).messageId));
      return [...messageIds].every((id) => seen.has(id));
    },
    {
      timeoutMs,
      intervalMs: 500,
      describe: (lines) => {
        const seen = new Set(lines.map((line) => (JSON.parse(line) as { messageId?: string }).messageId));
        const missing = [...messageIds].filter((id) => !seen.has(id));
        return `${lines.length} lines; ${missing.length} missing, such as ${missing.slice(0, 5).join(", ")}`;
      },
    },
  );
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch (error) {
    return `(no log: ${String(error)})`;
  }
}
