import { expect } from "vitest";
import type { StreamMessage } from "../../../src/debugger/stream-messages";

/**
 * Accepts the WebSocket of a debugger stream's 101 answer and collects what it sends, in order:
 * the one way the debugger tests read a stream.
 */
export function collectStream(response: Response): { socket: WebSocket; received: StreamMessage[] } {
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  socket.accept();
  const received: StreamMessage[] = [];
  socket.addEventListener("message", (message) => {
    received.push(JSON.parse(message.data as string) as StreamMessage);
  });
  return { socket, received };
}
