// A paced, open-ended load against the Tracking API: many concurrent senders, single calls and
// batches, a share of invalid events among them, people drawn from a known set. It records what
// each answer said about each event, so checks can compare what was acknowledged with what
// reached the archive, the profiles and a destination.
import { basicAuth } from "./sluice-client";

export interface Person {
  userId: string;
  email: string;
  anonymousIds: string[];
}

/** One event the load sent, valid or not. */
export interface SentEvent {
  messageId: string;
  valid: boolean;
  /** Index into `people`; -1 for invalid events, which carry no real identifiers. */
  person: number;
  /** The identifiers (`type:value`) the event carries, as identity resolution reads them. */
  identifiers: string[];
  /** `acked`: answered 200 and accepted; `refused`: answered as invalid; `unknown`: no answer (network error, 5xx). */
  outcome: "acked" | "refused" | "unknown" | "pending";
  /** When its request left (Date.now()): a request sent after a kill can only be answered by the next server. */
  sentAt: number;
  /** When the answer came (Date.now()), or when the request failed. */
  answeredAt: number;
  /** What was sent, to send it again. */
  body: Record<string, unknown>;
}

export interface LoadOptions {
  baseUrl: () => string;
  writeKey: string;
  /** Prefix of every messageId and identifier, unique per run. */
  runId: string;
  people: number;
  senders: number;
  /** Requests per second, all senders together (each sender is paced to its share). */
  requestsPerSecond: number;
  /** Share of events that are invalid (in batches and as single calls). */
  invalidShare: number;
  /** Share of valid events that carry only an anonymousId (so profiles merge later). */
  anonymousOnlyShare: number;
  /** Seeded generator, so a failing run can be replayed. */
  random: () => number;
}

export interface LoadRun {
  people: Person[];
  events: Map<string, SentEvent>;
  /** Requests by answer (status code, or `network`). */
  answers: Map<string, number>;
  /** Answers that contradict the Tracking API's contract (a valid single refused, a batch's errors at the wrong indexes…). */
  contractViolations: string[];
  /** The first few answers other than 200 and 400 (status and body, or the network error), for the report. */
  otherAnswers: string[];
  /** Sends until `stop()` resolves the run. */
  stop(): Promise<void>;
}

const MAX_BATCH = 12;

/**
 * Starts `senders` concurrent senders; each sends a single call or a batch every
 * `senders / requestsPerSecond` seconds until `stop()`. Half the requests are batches of 2 to 12
 * events. `baseUrl` is read per request, so the load can follow a restarted server.
 */
export function startLoad(options: LoadOptions): LoadRun {
  const { random, runId } = options;
  const people: Person[] = Array.from({ length: options.people }, (_, i) => ({
    userId: `${runId}-user-${i}`,
    email: `${runId}-user-${i}@example.com`,
    anonymousIds: [0, 1, 2].map((k) => `${runId}-anon-${i}-${k}`),
  }));
  // Each anonymousId first goes out in an identify with its userId, so every one of them is
  // linked to its person by some event, whatever else is lost or reordered.
  const unlinked = people.map((person) => [...person.anonymousIds]);
  const events = new Map<string, SentEvent>();
  const answers = new Map<string, number>();
  const contractViolations: string[] = [];
  const otherAnswers: string[] = [];
  let sequence = 0;
  let stopping = false;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  function validEvent(): { body: Record<string, unknown>; sent: SentEvent } {
    const index = Math.floor(random() * people.length);
    const person = people[index]!;
    const messageId = `${runId}-ev-${sequence++}`;
    const link = unlinked[index]!.shift();
    const anonymousId = link ?? pick(person.anonymousIds);
    const kind = link ? "identify" : pick(["identify", "track", "track", "page"] as const);
    const anonymousOnly = !link && kind !== "identify" && random() < options.anonymousOnlyShare;
    const body: Record<string, unknown> = { type: kind, messageId, anonymousId };
    const identifiers = [`anonymous_id:${anonymousId}`];
    if (!anonymousOnly) {
      body.userId = person.userId;
      identifiers.push(`user_id:${person.userId}`);
    }
    if (kind === "identify") {
      body.traits = { email: person.email, plan: pick(["free", "pro"]) };
      identifiers.push(`email:${person.email}`);
    } else if (kind === "track") {
      body.event = pick(["Product Viewed", "Order Completed", "Signed In"]);
      body.properties = { value: Math.round(random() * 100) };
    } else {
      body.name = "Home";
    }
    return { body, sent: { messageId, valid: true, person: index, identifiers, outcome: "pending", sentAt: 0, answeredAt: 0, body } };
  }

  /** An event the Tracking API must refuse: each breaks one documented rule (a single call's type is its route's). */
  function invalidEvent(single: boolean): { body: Record<string, unknown>; sent: SentEvent } {
    const messageId = `${runId}-invalid-${sequence++}`;
    const rule = pick(["no-identity", "track-without-event", "long-message-id", ...(single ? [] : ["unknown-type" as const])] as const);
    const marker = { reliabilityInvalid: rule };
    const body: Record<string, unknown> =
      rule === "no-identity"
        ? { type: "track", event: "Orphan", messageId, properties: marker }
        : rule === "track-without-event"
          ? { type: "track", userId: "nobody", messageId, properties: marker }
          : rule === "long-message-id"
            ? { type: "track", userId: "nobody", event: "Too Long", messageId: `${messageId}-${"x".repeat(100)}`, properties: marker }
            : { type: "bogus", userId: "nobody", messageId, properties: marker };
    return {
      body,
      sent: { messageId: body.messageId as string, valid: false, person: -1, identifiers: [], outcome: "pending", sentAt: 0, answeredAt: 0, body },
    };
  }

  const nextEvent = (single: boolean) => (random() < options.invalidShare ? invalidEvent(single) : validEvent());

  async function post(path: string, body: unknown): Promise<{ status: number | "network"; json: Record<string, unknown> | undefined }> {
    const other = (answer: string) => otherAnswers.length < 20 && otherAnswers.push(`${new Date().toISOString()} POST ${path}: ${answer.slice(0, 300)}`);
    try {
      const response = await fetch(`${options.baseUrl()}${path}`, {
        method: "POST",
        headers: { Authorization: basicAuth(options.writeKey), "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      if (response.status !== 200 && response.status !== 400) other(`${response.status} ${text}`);
      return { status: response.status, json };
    } catch (error) {
      other(`no answer: ${String(error)}${error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : ""}`);
      return { status: "network", json: undefined };
    }
  }

  function settle(sent: SentEvent, outcome: SentEvent["outcome"]): void {
    sent.outcome = outcome;
    sent.answeredAt = Date.now();
  }

  async function sendSingle(): Promise<void> {
    const { body, sent } = nextEvent(true);
    events.set(sent.messageId, sent);
    sent.sentAt = Date.now();
    const { status } = await post(`/v1/${body.type as string}`, body);
    answers.set(String(status), (answers.get(String(status)) ?? 0) + 1);
    if (status === 200) {
      settle(sent, "acked");
      if (!sent.valid) contractViolations.push(`invalid single ${sent.messageId} answered 200`);
    } else if (status === 400) {
      settle(sent, "refused");
      if (sent.valid) contractViolations.push(`valid single ${sent.messageId} answered 400`);
    } else settle(sent, "unknown");
  }

  async function sendBatch(): Promise<void> {
    const size = 2 + Math.floor(random() * (MAX_BATCH - 1));
    const items = Array.from({ length: size }, () => nextEvent(false));
    for (const { sent } of items) {
      events.set(sent.messageId, sent);
      sent.sentAt = Date.now();
    }
    const { status, json } = await post("/v1/batch", { batch: items.map(({ body }) => body) });
    answers.set(String(status), (answers.get(String(status)) ?? 0) + 1);
    const invalidIndexes = items.flatMap(({ sent }, index) => (sent.valid ? [] : [index]));
    const reported = Array.isArray(json?.errors) ? (json.errors as { index?: unknown }[]).map((error) => Number(error.index)).sort((a, b) => a - b) : [];
    if (status === 200 || status === 400) {
      items.forEach(({ sent }) => settle(sent, sent.valid && status === 200 ? "acked" : "refused"));
      const allInvalid = invalidIndexes.length === items.length;
      if ((status === 400) !== allInvalid) contractViolations.push(`batch of ${items.length} with ${invalidIndexes.length} invalid answered ${status}`);
      if (JSON.stringify(reported) !== JSON.stringify(invalidIndexes)) {
        contractViolations.push(`batch answered errors at [${reported.join(",")}], invalid events are at [${invalidIndexes.join(",")}]`);
      }
    } else items.forEach(({ sent }) => settle(sent, "unknown"));
  }

  const intervalMs = (options.senders / options.requestsPerSecond) * 1000;
  async function sender(offset: number): Promise<void> {
    const started = Date.now() + offset;
    await new Promise((resolve) => setTimeout(resolve, offset));
    for (let slot = 1; !stopping; slot += 1) {
      await (random() < 0.5 ? sendSingle() : sendBatch());
      // Pacing, not waiting for a state: each sender keeps to its own schedule.
      const wait = started + slot * intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  const running = Promise.all(Array.from({ length: options.senders }, (_, i) => sender((i * intervalMs) / options.senders)));
  return {
    people,
    events,
    answers,
    contractViolations,
    otherAnswers,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
}

/** The valid events a run got a 200 for. */
export function ackedEvents(run: Pick<LoadRun, "events">): SentEvent[] {
  return [...run.events.values()].filter((event) => event.valid && event.outcome === "acked");
}
