/** One request the test receiver recorded (receiver.ts); `GET /hooks/<name>` lists them too. */
export interface ReceivedRequest {
  /** The request's path without its query, e.g. `/hooks/consent`. */
  path: string;
  /** The JSON object posted ({} when the body was not one: see `raw`). */
  body: Record<string, unknown>;
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  /** What the receiver answered. */
  status: number;
  /** When the request arrived (epoch ms, the receiver's clock): compare requests with each other. */
  at: number;
}
