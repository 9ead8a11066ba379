// A webhook endpoint that can flap: while flapping it answers 500s, 429s with Retry-After, and
// holds requests past Sluice's 10-second delivery timeout; otherwise it answers 200. It records
// every request with its answer, so a test counts what the destination accepted per messageId.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Answer = 200 | 429 | 500 | "hang";

export interface ReceivedDelivery {
  messageId: string;
  answer: Answer;
  at: number;
}

export interface FlappingReceiver {
  url: string;
  /** Every request, in arrival order. */
  readonly deliveries: readonly ReceivedDelivery[];
  setFlapping(on: boolean): void;
  /** messageId → how many times the receiver accepted it (answered 200). */
  acceptedCounts(): Map<string, number>;
  /** Requests by answer. */
  answers(): Record<string, number>;
  close(): Promise<void>;
}

/** A hung request is answered 503 after this, if Sluice has not given up on it first (it waits 10 s). */
const HANG_MS = 12_000;

export async function startFlappingReceiver(random: () => number): Promise<FlappingReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  let flapping = false;
  const held = new Set<ServerResponse>();

  const choose = (): Answer => {
    if (!flapping) return 200;
    const roll = random();
    return roll < 0.35 ? 500 : roll < 0.45 ? "hang" : roll < 0.75 ? 429 : 200;
  };

  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const answer = choose();
      deliveries.push({ messageId: messageIdOf(raw), answer, at: Date.now() });
      if (answer === 200) response.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
      else if (answer === 500) response.writeHead(500).end("flapping: 500");
      else if (answer === 429) response.writeHead(429, { "Retry-After": String(1 + Math.floor(random() * 2)) }).end("flapping: slow down");
      else {
        held.add(response);
        const timer = setTimeout(() => {
          held.delete(response);
          if (!response.writableEnded) response.writeHead(503).end("flapping: gave up");
        }, HANG_MS);
        response.on("close", () => {
          clearTimeout(timer);
          held.delete(response);
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    setFlapping: (on) => (flapping = on),
    acceptedCounts: () => {
      const counts = new Map<string, number>();
      for (const { messageId, answer } of deliveries) if (answer === 200) counts.set(messageId, (counts.get(messageId) ?? 0) + 1);
      return counts;
    },
    answers: () => {
      const counts: Record<string, number> = {};
      for (const { answer } of deliveries) counts[answer] = (counts[answer] ?? 0) + 1;
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function messageIdOf(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { messageId?: unknown };
    return typeof parsed.messageId === "string" ? parsed.messageId : "(none)";
  } catch {
    return "(unreadable)";
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
