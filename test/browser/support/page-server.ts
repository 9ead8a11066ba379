import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny HTTP server for the test pages, running inside the test file's process so tests
 * register pages directly. It listens on 127.0.0.1, and the browser reaches it as
 * `http://localhost:<port>`: the same host as Sluice (`sluiceBrowserUrl`), another port, so the
 * pages and Sluice are same-site and share cookies.
 */
export interface PageServer {
  /** `http://localhost:<port>`, for the browser. */
  origin: string;
  /** Serves `html` at `path` (matched without the query string); returns the page's URL. */
  page(path: string, html: string): string;
  /** Serves any other file (a script bundle) at `path`; returns its URL. */
  asset(path: string, contentType: string, body: string | Uint8Array): string;
  /** Paths (with query) requested so far, for diagnostics. */
  requests: string[];
  close(): Promise<void>;
}

interface Entry {
  contentType: string;
  body: string | Uint8Array;
}

export async function startPageServer(): Promise<PageServer> {
  const entries = new Map<string, Entry>();
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    requests.push(url.pathname + url.search);
    const entry = entries.get(url.pathname);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "Content-Type": "text/plain" }).end("GET only");
      return;
    }
    if (!entry && url.pathname === "/favicon.ico") {
      response.writeHead(204).end();
      return;
    }
    if (!entry) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end(`No test page registered at ${url.pathname}`);
      return;
    }
    response.writeHead(200, { "Content-Type": entry.contentType, "Cache-Control": "no-store" });
    response.end(request.method === "HEAD" ? undefined : entry.body);
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://localhost:${port}`;

  const register = (path: string, entry: Entry): string => {
    if (!path.startsWith("/")) throw new Error(`page paths start with "/": ${path}`);
    entries.set(path, entry);
    return `${origin}${path}`;
  };

  return {
    origin,
    page: (path, html) => register(path, { contentType: "text/html; charset=utf-8", body: html }),
    asset: (path, contentType, body) => register(path, { contentType, body }),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
