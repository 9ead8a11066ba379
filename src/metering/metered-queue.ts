import { bound } from "./metered-d1";
import type { Meter } from "./meter";
import { jsonBytes, queueOperations } from "./queue-operations";

/** A queue producer counting the messages it accepted and their billed write operations. */
export function meteredQueue(group: string, queue: Queue, meter: Meter): Queue {
  const record = (bodies: unknown[]) => {
    let writeOps = 0;
    let bytes = 0;
    for (const body of bodies) {
      const size = jsonBytes(body);
      bytes += size;
      writeOps += queueOperations(size);
    }
    meter.count(group, { messages: bodies.length, writeOps, bytes });
  };
  return new Proxy(queue, {
    get(target, property) {
      if (property === "send") {
        return async (body: unknown, options?: QueueSendOptions) => {
          await target.send(body, options);
          record([body]);
        };
      }
      if (property === "sendBatch") {
        return async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
          const list = [...messages];
          await target.sendBatch(list, options);
          record(list.map((message) => message.body));
        };
      }
      return bound(target, property);
    },
  });
}
