// What the consumers logged under the test hooks (src/testing/faults.ts): one JSON line per
// consumer invocation (`received`, with `trace`) and per injected fault (`fault`); and Miniflare's
// own line when a queue's dispatch to its consumer finished (`QUEUE <queue> <acked>/<sent> (<ms>)`).

export interface ReceivedLine {
  sluiceTest: "received";
  queue: string;
  at: number;
  messageIds: string[];
}

export interface FaultLine {
  sluiceTest: "fault";
  point: string;
  queue: string;
  at: number;
  messageIds: string[];
}

export type TestLine = ReceivedLine | FaultLine;

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function parseLine(line: string): TestLine | null {
  const start = line.indexOf('{"sluiceTest":');
  if (start < 0) return null;
  try {
    return JSON.parse(line.slice(start)) as TestLine;
  } catch {
    return null; // a line cut short by a SIGKILL
  }
}

export function testLines(log: string): TestLine[] {
  return log.split("\n").flatMap((line) => parseLine(line) ?? []);
}

export const receivedBy = (lines: readonly TestLine[], queue: string): ReceivedLine[] =>
  lines.filter((line): line is ReceivedLine => line.sluiceTest === "received" && line.queue === queue);

export const faultsAt = (lines: readonly TestLine[], points: readonly string[]): FaultLine[] =>
  lines.filter((line): line is FaultLine => line.sluiceTest === "fault" && points.includes(line.point));

export interface Invocation {
  messageIds: string[];
  /** Miniflare logged the end of its dispatch: the consumer returned (or threw). */
  finished: boolean;
}

/**
 * A queue's consumer invocations in the order they started. Miniflare logs the end of each
 * dispatch without naming its messages, so ends are matched to starts in order (a queue's
 * dispatches overlap only when its backlog outgrows a batch, which these loads never reach).
 */
export function invocations(log: string, queue: string): Invocation[] {
  const started: Invocation[] = [];
  let finished = 0;
  const done = new RegExp(`QUEUE ${queue} \\d+/\\d+`);
  for (const raw of log.split("\n")) {
    const line = raw.replace(ANSI, "");
    const parsed = parseLine(line);
    if (parsed?.sluiceTest === "received" && parsed.queue === queue) started.push({ messageIds: parsed.messageIds, finished: false });
    else if (done.test(line) && finished < started.length) started[finished++]!.finished = true;
  }
  return started;
}

/**
 * Dispatches Miniflare started and never logged the end of, per queue: after a drain times out,
 * the sign of a queue stalled in the emulator (its broker waits for that dispatch forever, so it
 * sends its consumer nothing more) rather than of events lost by Sluice.
 */
export function unfinishedDispatches(log: string, queues: readonly string[]): string[] {
  return queues.flatMap((queue) =>
    invocations(log, queue)
      .filter((invocation) => !invocation.finished)
      .map((invocation) => `${queue}: a dispatch of ${invocation.messageIds.length} events (first ${invocation.messageIds[0] ?? "none"}) never ended`),
  );
}
