/** One request the test receiver recorded (receiver.ts), as `GET /hooks/<name>` lists it. */
export interface ReceivedRequest {
  body: unknown;
  raw: string;
  signature: string | null;
  /** What the receiver answered. */
  status: number;
}
