import http from "node:http";

/**
 * Raw HTTP for hostile requests: any method token, any path bytes, any body bytes (invalid
 * UTF-8, truncated gzip), headers exactly as given. `fetch` refuses several of these (TRACE,
 * absolute paths) or normalises them, so the suites use node:http.
 */

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /**
   * The server closed the connection before any answer arrived (status 0). A server refusing an
   * oversized header or body may send its 431/413 and close while the upload is still being
   * written; the peer's reset can then discard the answer before it is read. That is still a
   * refusal, never an acceptance: suites accept it only for requests over a size limit.
   */
  reset?: true;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class Client {
  /**
   * A connection per request. wrangler dev leaves the body of a GET, TRACE or OPTIONS request
   * unread on a kept-alive connection and parses it as the next request line (answering 501),
   * which would blame the next, innocent request; Cloudflare's edge fronts a deployment.
   */
  private readonly agent = new http.Agent({ keepAlive: false });
  private readonly url: URL;

  constructor(readonly baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  /** How often wrangler dev's proxy, not the Worker, answered (see `request`). */
  proxyRetries = 0;

  /**
   * Sends the request. wrangler dev puts a proxy in front of the Worker; when the Worker answers
   * before reading a whole upload (a gzip bomb refused at 500 KB inflated) the proxy, still
   * uploading, can lose the connection and answer its own 503 "Your worker restarted
   * mid-request … try sending the request again": that is not the Worker's answer, so the request
   * is sent again, as the proxy asks (up to 20 times: it happened to half of the 600 KB uploads the
   * Worker stops reading at 500 KB, which the suite therefore leaves to workerd's tests).
   */
  async request(request: RawRequest): Promise<Answer> {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.send(request);
      if (answer.reset && attempt < 5) {
        this.resets += 1;
        continue; // usually the answer wins the race on the next try
      }
      if (answer.status !== 503 || !answer.text.startsWith("Your worker restarted mid-request") || attempt === 20) return answer;
      this.proxyRetries += 1;
    }
  }

  /** How often the connection was reset before an answer arrived (and the request sent again). */
  resets = 0;

  private send({ method = "GET", path, headers = {}, body }: RawRequest): Promise<Answer> {
    const what = `${method} ${path.length > 120 ? `${path.slice(0, 120)}…` : path}`;
    return new Promise((resolve, reject) => {
      let answered = false;
      const request = http.request(
        { agent: this.agent, host: this.url.hostname, port: this.url.port, method, path, headers, timeout: REQUEST_TIMEOUT_MS },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            const bytes = Buffer.concat(chunks);
            const text = bytes.toString("utf8");
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: bytes, text, json: parseJson(text) });
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error(`${what} got no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      // The server may answer (413, 431) and close before a big upload is fully written: once the
      // answer has begun it is what counts; a reset before it is reported as `reset` (see Answer).
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (answered) return;
        if (error.code === "ECONNRESET" || error.code === "EPIPE") {
          const text = `${what}: connection ${error.code === "EPIPE" ? "closed" : "reset"} by the server before any answer`;
          resolve({ status: 0, headers: {}, body: Buffer.alloc(0), text, json: undefined, reset: true });
          return;
        }
        reject(new Error(`${what} failed: ${error.message}`));
      });
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function basicAuth(user: string): string {
  return `Basic ${Buffer.from(`${user}:`).toString("base64")}`;
}
