import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server that stands in for every destination at once: Sluice's test hook
 * `OUTBOUND_ORIGIN` (DESIGN.md, local development contract) sends each destination request here,
 * same path and query, with the URL it was meant for in `X-Original-URL`. It records every
 * request and answers with a scripted responder, the same function the Node reference
 * (segment-reference.ts) answers with, so destinations that read answers take the same path on
 * both sides.
 */

/** A request a destination made, as the scripted responder and the comparison see it. */
export interface OutboundRequest {
  method: string;
  /** The URL the destination meant to reach (X-Original-URL on the Sluice side). */
  url: string;
  /** Lower-case names; a repeated header is joined with ", " as fetch's Headers does. */
  headers: Record<string, string>;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON (with `Content-Type: application/json` unless set). */
  body?: string | object;
}

/** Decides the answer from the request alone (never from arrival order), so both sides get the same one. */
export type Responder = (request: OutboundRequest) => ScriptedResponse;

export interface CapturedRequest extends OutboundRequest {
  /** Path and query as they reached this server. */
  path: string;
  /** What the responder answered. */
  status: number;
}

export interface CaptureServer {
  readonly origin: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly CapturedRequest[];
  close(): Promise<void>;
}

/** Renders a scripted answer as status, headers and body text. */
export function renderResponse(answer: ScriptedResponse): { status: number; headers: Record<string, string>; body: string } {
  const headers = { ...answer.headers };
  if (answer.body === undefined) return { status: answer.status, headers, body: "" };
  if (typeof answer.body === "string") return { status: answer.status, headers, body: answer.body };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
  return { status: answer.status, headers, body: JSON.stringify(answer.body) };
}

export async function startCaptureServer(respond: Responder): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let origin = "";
  const server: Server = createServer((request, response) => {
    void readBody(request).then(
      (body) => {
        const path = request.url ?? "/";
        const headers = flattenHeaders(request);
        const seen: OutboundRequest = { method: request.method ?? "GET", url: headers["x-original-url"] ?? `${origin}${path}`, headers, body };
        let answer: ScriptedResponse;
        try {
          answer = respond(seen);
        } catch (error) {
          answer = { status: 500, body: `the scripted responder threw: ${String(error)}` };
        }
        const rendered = renderResponse(answer);
        requests.push({ ...seen, path, status: rendered.status });
        response.writeHead(rendered.status, rendered.headers).end(rendered.body);
      },
      (error: unknown) => response.writeHead(400).end(`unreadable request body: ${String(error)}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sluice's fetches may hold keep-alive connections open, which would hold close() up.
        server.closeAllConnections();
      }),
  };
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
