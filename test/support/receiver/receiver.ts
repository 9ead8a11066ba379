import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReceivedRequest } from "./received";

/**
 * A local HTTP receiver standing in for a destination, for tests that run in Node or inside
 * workerd (which reaches it over real HTTP). Each test uses its own path under `/hooks/`:
 * - `POST /hooks/<name>[?fail=<status>x<count>]` records the request and answers 200, or
 *   `<status>` for the first `<count>` requests carrying each messageId (an array body counts
 *   by its first event);
 * - `GET /hooks/<name>` answers what that path received, in arrival order.
 */
export interface Receiver {
  url: string;
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received = new Map<string, ReceivedRequest[]>();
  const failures = new Map<string, number>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    const hook = url.pathname;
    if (!hook.startsWith("/hooks/")) return void response.writeHead(404).end();
    if (request.method === "GET") {
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(received.get(hook) ?? []));
      return;
    }
    void readBody(request).then((raw) => {
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        // recorded as null: the test decides whether that is wrong
      }
      const status = answerFor(url.searchParams.get("fail"), hook, body, failures);
      const list = received.get(hook) ?? [];
      list.push({ body, raw, signature: (request.headers["x-signature"] as string | undefined) ?? null, status });
      received.set(hook, list);
      response.writeHead(status).end(status === 200 ? "ok" : "failing on purpose");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function answerFor(fail: string | null, hook: string, body: unknown, failures: Map<string, number>): number {
  const match = fail ? /^(\d{3})x(\d+)$/.exec(fail) : null;
  if (!match) return 200;
  const first = Array.isArray(body) ? body[0] : body;
  const key = `${hook}\u0000${String((first as { messageId?: unknown } | null)?.messageId)}`;
  const seen = failures.get(key) ?? 0;
  failures.set(key, seen + 1);
  return seen < Number(match[2]) ? Number(match[1]) : 200;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
