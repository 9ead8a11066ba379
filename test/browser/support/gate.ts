import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A switchable path to Sluice: a reverse proxy on its own port that forwards everything (Host
 * header included, so Sluice embeds the gate's address as the SDK's apiHost) until `down()`,
 * then drops every connection until `up()`.
 *
 * Why: Chromium's offline emulation (`context.setOffline`) and Playwright's routes do not reach
 * requests a page makes while unloading (`sendBeacon`, `fetch(..., {keepalive})`): those still go
 * out. A real network outage loses them. Putting Sluice behind this gate makes "offline" true for
 * every request, and `setOffline` still gives the page `navigator.onLine === false` and the
 * `offline`/`online` events.
 */
export interface Gate {
  /** `http://localhost:<port>`, for the browser. */
  origin: string;
  down(): void;
  up(): void;
  /** Requests dropped while down (method and path). */
  dropped: string[];
  close(): Promise<void>;
}

export async function startGate(upstream: string): Promise<Gate> {
  const target = new URL(upstream);
  const dropped: string[] = [];
  const sockets = new Set<Socket>();
  let isDown = false;

  const server: Server = createServer((req, res) => {
    if (isDown) {
      dropped.push(`${req.method} ${req.url}`);
      req.socket.destroy();
      return;
    }
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://localhost:${port}`,
    down() {
      isDown = true;
      for (const socket of sockets) socket.destroy(); // no request slips through a kept-alive connection
    },
    up() {
      isDown = false;
    },
    dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * GETs `url` from Node, bypassing the browser (and the gate): connects to 127.0.0.1 at the URL's
 * port, or at `via` (an upstream URL), and sends the URL's own `Host`, so the answer is the one
 * the browser would have had.
 */
export async function getFromNode(
  url: string,
  options: { via?: string; headers?: IncomingHttpHeaders } = {},
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const target = new URL(url);
  const connectTo = new URL(options.via ?? url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: connectTo.port,
        method: "GET",
        path: target.pathname + target.search,
        headers: { ...options.headers, host: target.host },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers["content-type"] ?? "application/octet-stream",
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end();
  });
}
