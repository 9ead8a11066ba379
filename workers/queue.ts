import type { AppEnv } from "../src/env";
import { consumeEventsBatch } from "../src/pipeline/consume-events";
import { createDedupeGateway } from "../src/pipeline/dedupe/gateway";
import { sendMessages, sizeOf } from "../src/queues/send-messages";
import { createIdentityStep } from "../src/pipeline/identity/identity-step";
import { classifyQueue, deadLetterKey, deadLetterRecord } from "../src/pipeline/dead-letter";

/** Queue consumers: EVENTS runs the pipeline; a dead-letter queue keeps what it got in R2. */
export async function handleQueue(batch: MessageBatch, env: AppEnv): Promise<void> {
  switch (classifyQueue(batch.queue)) {
    case "events":
      return consumeEvents(batch, env);
    case "dead-letter":
      return keepDeadLetters(batch, env);
    default:
      console.error(`no consumer for queue ${batch.queue}; its messages are retried`);
      batch.retryAll();
  }
}

async function consumeEvents(batch: MessageBatch, env: AppEnv): Promise<void> {
  const dedupe = createDedupeGateway((name) => env.DEDUPE.get(env.DEDUPE.idFromName(name)), env.SPACE_ID);
  const identity = await createIdentityStep(env);
  const summary = await consumeEventsBatch(batch.messages, { queue: batch.queue, dedupe, random: Math.random, identity: identity.resolve });
  await identity.flush();
  if (summary.deadLetters.length > 0) {
    // Straight to the DLQ, before any ack: unreadable input would fail the same way on every retry.
    await sendMessages(env.EVENTS_DLQ, summary.deadLetters.map(sizeOf));
  }
  summary.outcomes.forEach((outcome, index) => {
    const message = batch.messages[index]!;
    if (outcome.kind === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
    else message.ack();
  });
  const { archived, duplicates, deadLetters } = summary;
  console.log(JSON.stringify({ queue: batch.queue, messages: batch.messages.length, archived, duplicates, deadLetters: deadLetters.length }));
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
