import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReceivedRequest } from "./received";

/**
 * A real HTTP server on loopback standing in for a destination's endpoint: it records every
 * request with the status it answered, so a test asserts on what actually reached the
 * destination. Node tests read `requests` directly; tests inside workerd (which reach it over
 * real HTTP) read `GET /hooks/<name>`, the requests to that path in arrival order.
 *
 * It answers 200, unless the test's `answer` decides, or the URL asks for failures:
 * `?fail=<status>x<count>` answers `<status>` to the first `<count>` requests carrying each
 * messageId (an array body counts by its first event); `&retryAfter=<value>` sends that
 * `Retry-After` header with each of those failures.
 */
export type Answer = (request: Omit<ReceivedRequest, "status" | "at">, url: URL) => number;

export interface Receiver {
  /** The URL of `path` on this receiver. */
  url(path: string): string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** The requests answered 2xx, optionally only those to `path`. */
  accepted(path?: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = failOnRequest()): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    if (request.method === "GET" && url.pathname.startsWith("/hooks/")) {
      const listed = requests.filter((entry) => entry.path === url.pathname);
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(listed));
      return;
    }
    const at = Date.now();
    void readBody(request).then((raw) => {
      const seen = { path: url.pathname, body: parseObject(raw), raw, headers: request.headers };
      const status = answer(seen, url);
      requests.push({ ...seen, status, at });
      const retryAfter = url.searchParams.get("retryAfter");
      response.writeHead(status, status >= 300 && retryAfter !== null ? { "Retry-After": retryAfter } : {}).end(status < 300 ? "ok" : "failing on purpose");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${origin}${path}`,
    requests,
    accepted: (path) => requests.filter((entry) => entry.status >= 200 && entry.status < 300 && (path === undefined || entry.path === path)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sluice's fetches may hold keep-alive connections open, which would hold close() up.
        server.closeAllConnections();
      }),
  };
}

/** The default answer: 200, or the failures `?fail=<status>x<count>` asks for. */
function failOnRequest(): Answer {
  const failures = new Map<string, number>();
  return ({ path, raw }, url) => {
    const match = /^(\d{3})x(\d+)$/.exec(url.searchParams.get("fail") ?? "");
    if (!match) return 200;
    const key = `${path}\u0000${firstMessageId(raw)}`;
    const seen = failures.get(key) ?? 0;
    failures.set(key, seen + 1);
    return seen < Number(match[2]) ? Number(match[1]) : 200;
  };
}

function firstMessageId(raw: string): string {
  try {
    const parsed: unknown = JSON.parse(raw);
    const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
    return String((first as { messageId?: unknown } | null)?.messageId);
  } catch {
    return "";
  }
}

function parseObject(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
