import type { AppEnv } from "../src/env";
import type { AcceptedEvent } from "../src/ingest/enrich";
import { recordTallies } from "../src/schema/store";
import { tallyEvents } from "../src/schema/tally";
import { packEventsIntoMessages } from "../src/ingest/pack-messages";
import { consumeEventsBatch, type BatchSummaryBase, type CommittedEvent } from "../src/pipeline/consume-events";
import { enforceEvents, loadSourceProtocols, sourceViolations } from "../src/pipeline/protocols-stage";
import { recordProtocolViolations } from "../src/protocols/violation-store";
import { createDedupeGateway } from "../src/pipeline/dedupe/gateway";
import { classifyQueue, deadLetterKey, deadLetterRecord } from "../src/pipeline/dead-letter";
import { recordViolations } from "../src/pipeline/identity/config-store";
import { consumeIdentityBatch } from "../src/pipeline/identity/consume-identity";
import { createIdentityResolver } from "../src/pipeline/identity/identity-step";
import { sendMessages, sizeOf } from "../src/queues/send-messages";

/**
 * Queue consumers: EVENTS dedupes and archives, then hands archived events to IDENTITY, which
 * resolves them into profiles at its own pace; a dead-letter queue keeps what it got in R2.
 */
export async function handleQueue(batch: MessageBatch, env: AppEnv): Promise<void> {
  switch (classifyQueue(batch.queue)) {
    case "events":
      return consumeEvents(batch, env);
    case "identity":
      return consumeIdentity(batch, env);
    case "dead-letter":
      return keepDeadLetters(batch, env);
    default:
      console.error(`no consumer for queue ${batch.queue}; its messages are retried`);
      batch.retryAll();
  }
}

async function consumeEvents(batch: MessageBatch, env: AppEnv): Promise<void> {
  const dedupe = createDedupeGateway((name) => env.DEDUPE.get(env.DEDUPE.idFromName(name)), env.SPACE_ID);
  const forward = (events: AcceptedEvent[]) => sendMessages(env.IDENTITY, packEventsIntoMessages(events));
  const enforce = async (events: AcceptedEvent[]) =>
    enforceEvents(events, await loadSourceProtocols(env.DB, [...new Set(events.map((event) => event.projectId))]));
  const observe = async (committed: CommittedEvent[]) => {
    const now = new Date();
    // Segment keeps `Violation Generated` calls out of the receiving source's schema.
    const schemaEvents = committed.filter(({ received, forwarded }) => !(forwarded && (received as { event?: unknown }).event === "Violation Generated"));
    const tallies = tallyEvents(schemaEvents.map(({ received, blocked }) => ({ event: received, sourceId: received.projectId, seenAt: received.receivedAt, blocked })));
    await Promise.all([recordTallies(env.DB, tallies, now), recordProtocolViolations(env.DB, sourceViolations(committed), now)]);
  };
  const reroute = (events: AcceptedEvent[]) => sendMessages(env.EVENTS, packEventsIntoMessages(events, { forwarded: true }));
  const summary = await consumeEventsBatch(batch.messages, { queue: batch.queue, dedupe, random: Math.random, enforce, observe, forward, reroute });
  await settle(batch, summary, env.EVENTS_DLQ);
  const { archived, blocked, duplicates, deadLetters } = summary;
  console.log(JSON.stringify({ queue: batch.queue, messages: batch.messages.length, archived, blocked, duplicates, deadLetters: deadLetters.length }));
}

async function consumeIdentity(batch: MessageBatch, env: AppEnv): Promise<void> {
  const resolve = await createIdentityResolver(env);
  const summary = await consumeIdentityBatch(batch.messages, { queue: batch.queue, random: Math.random, resolve });
  try {
    await recordViolations(env.DB, env.SPACE_ID, summary.violations, new Date());
  } catch (error) {
    // Diagnostics: losing one batch's violations is better than resolving its events again.
    console.error("could not record identity violations", error);
  }
  await settle(batch, summary, env.IDENTITY_DLQ);
  const { resolved, violations, deadLetters } = summary;
  console.log(JSON.stringify({ queue: batch.queue, messages: batch.messages.length, resolved, violations: violations.length, deadLetters: deadLetters.length }));
}

/** Applies a consumer's decisions: dead letters first (before any ack), then ack or retry each message. */
async function settle(batch: MessageBatch, summary: BatchSummaryBase, deadLetterQueue: Queue): Promise<void> {
  if (summary.deadLetters.length > 0) {
    // Straight to the DLQ: unreadable input would fail the same way on every retry.
    await sendMessages(deadLetterQueue, summary.deadLetters.map(sizeOf));
  }
  summary.outcomes.forEach((outcome, index) => {
    const message = batch.messages[index]!;
    if (outcome.kind === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
    else message.ack();
  });
}

async function keepDeadLetters(batch: MessageBatch, env: AppEnv): Promise<void> {
  const now = new Date();
  await Promise.all(
    batch.messages.map((message) => {
      const record = deadLetterRecord(batch.queue, message, now);
      return env.ARCHIVE.put(deadLetterKey(batch.queue, record.messageId, now), JSON.stringify(record), {
        httpMetadata: { contentType: "application/json" },
      });
    }),
  );
  batch.ackAll();
}
