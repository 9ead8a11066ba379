import type { AppEnv } from "../src/env";
import { consumeEventsBatch } from "../src/pipeline/consume-events";
import { createDedupeGateway } from "../src/pipeline/dedupe/gateway";
import { deadLetterKey, deadLetterRecord, classifyQueue, type DeadLetterEnvelope } from "../src/pipeline/dead-letter";

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
  const { outcomes, archived, duplicates } = await consumeEventsBatch(batch.messages, { dedupe, random: Math.random });
  const poisoned: DeadLetterEnvelope[] = [];
  outcomes.forEach((outcome, index) => {
    const message = batch.messages[index]!;
    if (outcome.kind === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
    else if (outcome.kind === "dead-letter") {
      poisoned.push({ deadLetter: { queue: batch.queue, messageId: message.id, reason: outcome.reason }, body: message.body });
    }
  });
  if (poisoned.length > 0) {
    // Straight to the DLQ: an unreadable message would fail the same way on every retry.
    await env.EVENTS_DLQ.sendBatch(poisoned.map((body) => ({ body, contentType: "json" as const })));
  }
  outcomes.forEach((outcome, index) => outcome.kind !== "retry" && batch.messages[index]!.ack());
  console.log(JSON.stringify({ queue: batch.queue, messages: batch.messages.length, archived, duplicates }));
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
