import type { Meter } from "./meter";
import { jsonBytes, queueOperations } from "./queue-operations";

type Decision = "ack" | "retry";

/**
 * A delivered batch that counts, per message, the billed read (on delivery) and delete (on ack)
 * operations. Messages the handler leaves undecided are acked when it returns and retried when it
 * throws, as Queues does (https://developers.cloudflare.com/queues/configuration/batching-retries/).
 * `settle` records the batch once the handler is done.
 */
export function meteredBatch(batch: MessageBatch, meter: Meter): { batch: MessageBatch; settle: (handlerSucceeded: boolean) => void } {
  const decisions: (Decision | undefined)[] = batch.messages.map(() => undefined);
  const decideAll = (decision: Decision) => decisions.forEach((current, index) => (decisions[index] = current ?? decision));
  const messages = batch.messages.map(
    (message, index) =>
      new Proxy(message, {
        get(target, property) {
          if (property === "ack") return () => ((decisions[index] ??= "ack"), target.ack());
          if (property === "retry") return (options?: QueueRetryOptions) => ((decisions[index] ??= "retry"), target.retry(options));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }),
  );
  const metered = new Proxy(batch, {
    get(target, property) {
      if (property === "messages") return messages;
      if (property === "ackAll") return () => (decideAll("ack"), target.ackAll());
      if (property === "retryAll") return (options?: QueueRetryOptions) => (decideAll("retry"), target.retryAll(options));
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const settle = (handlerSucceeded: boolean) => {
    decideAll(handlerSucceeded ? "ack" : "retry");
    let readOps = 0;
    let deleteOps = 0;
    let acked = 0;
    batch.messages.forEach((message, index) => {
      const operations = queueOperations(jsonBytes(message.body));
      readOps += operations;
      if (decisions[index] === "ack") {
        deleteOps += operations;
        acked += 1;
      }
    });
    meter.count(`consume:${batch.queue}`, { messages: batch.messages.length, acked, retried: batch.messages.length - acked, readOps, deleteOps });
  };
  return { batch: metered, settle };
}
