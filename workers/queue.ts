import { destinationContext } from "../src/destinations/destination-context";
import { outboundFetch } from "../src/destinations/outbound";
import type { AppEnv } from "../src/env";
import type { AcceptedEvent } from "../src/spec/accepted-event";
import { recordTallies } from "../src/schema/store";
import { tallyEvents } from "../src/schema/tally";
import { recordMinuteCounts, tallyMinutes } from "../src/activity/minutes";
import { packEventsIntoMessages, serializeEvent } from "../src/queues/pack-events";
import { consumeEventsBatch, type BatchSummaryBase, type CommittedEvent } from "../src/pipeline/consume-events";
import { enforceEvents, loadSourceProtocols, sourceViolations } from "../src/pipeline/protocols-stage";
import { recordProtocolViolations } from "../src/protocols/violation-store";
import { deliverMessage, parseDeliveriesMessage } from "../src/destinations/consume-deliveries";
import { firstRetryDelaySeconds } from "./delivery-config";
import { recordDeliveryStats, type DeliveryCounts } from "../src/destinations/delivery-stats";
import { DestinationStore, type Destination } from "../src/destinations/destination-store";
import { loadRoutedDestinations } from "../src/destinations/load-destinations";
import type { RoutedDestination } from "../src/destinations/fan-out";
import { planDeliveries } from "../src/destinations/route-deliveries";
import { destinationType } from "../src/destinations/types";
import { createDedupeGateway } from "../src/dedupe/gateway";
import { classifyQueue, deadLetterKey, deadLetterRecord, destinationOfDeadLetter } from "../src/queues/dead-letter";
import { recordViolations } from "../src/identity/config-store";
import { consumeIdentityBatch } from "../src/pipeline/identity/consume-identity";
import { createIdentityResolver } from "../src/pipeline/identity/identity-step";
import { sendMessages, sizeOf } from "../src/queues/send-messages";
import { debuggerFor } from "../src/debugger/debugger-stub";
import { bySource, deliveryJourneys, entriesFromPipeline, type SeenEvent } from "../src/debugger/pipeline-entries";
import type { JourneyUpdate } from "../src/debugger/entry";
import { findSuppressedEvents } from "../src/privacy/suppression-store";
import { recordSuppressedCounts, tallySuppressed } from "../src/privacy/suppressed-counts";
import { consumerFaults, endInjectedFaults, messageIdsIn } from "../src/testing/faults";

/**
 * Queue consumers: EVENTS dedupes and archives, then hands archived events off to IDENTITY, which
 * resolves them into profiles at its own pace, and to DELIVERIES; events Protocols forwards to
 * another source go back on EVENTS. A dead-letter queue keeps what it got in R2.
 */
export async function handleQueue(batch: MessageBatch, env: AppEnv): Promise<void> {
  return endInjectedFaults(batch, () => consumeQueue(batch, env));
}

async function consumeQueue(batch: MessageBatch, env: AppEnv): Promise<void> {
  switch (classifyQueue(batch.queue)) {
    case "events":
      return consumeEvents(batch, env);
    case "identity":
      return consumeIdentity(batch, env);
    case "deliveries":
      return consumeDeliveries(batch, env);
    case "dead-letter":
      return keepDeadLetters(batch, env);
    default:
      console.error(`no consumer for queue ${batch.queue}; its messages are retried`);
      batch.retryAll();
  }
}

async function consumeEvents(batch: MessageBatch, env: AppEnv): Promise<void> {
  // Test hooks only (src/testing/faults.ts): crashes around the archive commit and the ack.
  const faults = consumerFaults(env, batch.queue, batch.messages);
  const gateway = createDedupeGateway((name) => env.DEDUPE.get(env.DEDUPE.idFromName(name)), env.SPACE_ID);
  const dedupe: typeof gateway = {
    check: (entries) => gateway.check(entries),
    commit: async (entries) => {
      faults.hit("events.before-archive");
      const verdicts = await gateway.commit(entries);
      faults.hit("events.after-archive");
      return verdicts;
    },
  };
  // The suppression list is read from D1 on every batch (one round trip, no cache), so a
  // regulation applies from the next batch on: within seconds of the API's answer.
  const suppressed = (events: AcceptedEvent[]) => findSuppressedEvents(env.DB, events);
  const countSuppressed = (events: AcceptedEvent[]) =>
    recordSuppressedCounts(env.DB, tallySuppressed(events.map((event) => ({ sourceId: event.projectId, receivedAt: event.receivedAt }))));
  const handOffToIdentity = (events: AcceptedEvent[]) => sendMessages(env.IDENTITY, packEventsIntoMessages(events.map(serializeEvent)));
  // Destinations are read while the plans are (two D1 reads in parallel, not one after the other).
  let prefetched: { sourceIds: Set<string>; destinations: Promise<RoutedDestination[]> } | undefined;
  const enforce = async (events: AcceptedEvent[]) => {
    const sourceIds = [...new Set(events.map((event) => event.projectId))];
    prefetched = { sourceIds: new Set(sourceIds), destinations: loadRoutedDestinations(env.DB, sourceIds) };
    prefetched.destinations.catch(() => {}); // awaited (and reported) by fanOut, if it runs
    return enforceEvents(events, await loadSourceProtocols(env.DB, sourceIds));
  };
  const observe = async (committed: CommittedEvent[]) => {
    const now = new Date();
    // Segment keeps `Violation Generated` calls out of the receiving source's schema.
    const schemaEvents = committed.filter(({ received, forwarded }) => !(forwarded && (received as { event?: unknown }).event === "Violation Generated"));
    const tallies = tallyEvents(
      schemaEvents.map(({ received, blocked }) => ({ event: received, sourceId: received.projectId, seenAt: received.receivedAt, blocked })),
    );
    const minutes = tallyMinutes(committed.map(({ received }) => ({ sourceId: received.projectId, receivedAt: received.receivedAt })));
    await Promise.all([
      recordTallies(env.DB, tallies, now),
      recordProtocolViolations(env.DB, sourceViolations(committed), now),
      recordMinuteCounts(env.DB, minutes, now),
    ]);
  };
  // Protocols forwarding: back on EVENTS, marked so the receiving source's plan does not apply.
  const forwardToSources = (events: AcceptedEvent[]) => sendMessages(env.EVENTS, packEventsIntoMessages(events.map(serializeEvent), { forwarded: true }));
  const fanOut = async (events: AcceptedEvent[]) => {
    const sourceIds = [...new Set(events.map((event) => event.projectId))];
    const covered = prefetched && sourceIds.every((id) => prefetched!.sourceIds.has(id));
    const destinations = await (covered ? prefetched!.destinations : loadRoutedDestinations(env.DB, sourceIds));
    if (destinations.length === 0) return;
    const now = new Date();
    const { messages, discards } = await planDeliveries(events, destinations, now);
    await sendMessages(env.DELIVERIES, messages);
    await recordDeliveryStats(env.DB, discards, new Map(), now).catch((error: unknown) => console.error("could not count discards", error));
  };
  // One DebuggerObject call per source per batch.
  const debug = (seen: SeenEvent[]) => recordInDebuggers(env, entriesFromPipeline(seen), (stub, entries) => stub.record(entries));
  const summary = await consumeEventsBatch(batch.messages, {
    queue: batch.queue,
    dedupe,
    random: Math.random,
    suppressed,
    countSuppressed,
    enforce,
    observe,
    debug,
    handOffToIdentity,
    fanOut,
    forwardToSources,
  });
  faults.hit("events.before-ack");
  await settle(batch, summary, env.EVENTS_DLQ);
  const { archived, blocked, duplicates, suppressed: dropped, deadLetters } = summary;
  console.log(
    JSON.stringify({
      queue: batch.queue,
      messages: batch.messages.length,
      archived,
      blocked,
      duplicates,
      suppressed: dropped,
      deadLetters: deadLetters.length,
    }),
  );
}

async function consumeIdentity(batch: MessageBatch, env: AppEnv): Promise<void> {
  const faults = consumerFaults(env, batch.queue, batch.messages);
  faults.hit("identity.before-resolve");
  const resolve = await createIdentityResolver(env, faults.armed ? () => faults.hit("identity.after-write") : undefined);
  const summary = await consumeIdentityBatch(batch.messages, { queue: batch.queue, random: Math.random, resolve });
  try {
    await recordViolations(env.DB, env.SPACE_ID, summary.violations, new Date());
  } catch (error) {
    // Diagnostics: losing one batch's violations is better than resolving its events again.
    console.error("could not record identity violations", error);
  }
  faults.hit("identity.before-ack");
  await settle(batch, summary, env.IDENTITY_DLQ);
  const { resolved, violations, deadLetters } = summary;
  console.log(
    JSON.stringify({ queue: batch.queue, messages: batch.messages.length, resolved, violations: violations.length, deadLetters: deadLetters.length }),
  );
}

async function consumeDeliveries(batch: MessageBatch, env: AppEnv): Promise<void> {
  const faults = consumerFaults(env, batch.queue, batch.messages);
  faults.hit("deliveries.before-send");
  const store = new DestinationStore(env.DB);
  const destinations = new Map<string, Promise<Destination | null>>();
  const destinationOf = (id: string) => {
    let found = destinations.get(id);
    if (!found) destinations.set(id, (found = store.get(id)));
    return found;
  };
  const counts: DeliveryCounts[] = [];
  const latencies = new Map<string, number[]>();
  const journeys: (JourneyUpdate & { sourceId: string })[] = [];
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = parseDeliveriesMessage(message.body);
      if (!body) {
        await sendMessages(env.DELIVERIES_DLQ, [
          sizeOf({ deadLetter: { queue: batch.queue, messageId: message.id, reason: "unreadable deliveries message" }, body: message.body }),
        ]);
        return message.ack();
      }
      try {
        const decision = await deliverMessage(body, {
          destination: async (id) => {
            const destination = await destinationOf(id);
            const type = destination ? destinationType(destination.type) : undefined;
            return destination && type ? { enabled: destination.enabled, type, settings: destination.settings } : null;
          },
          fetcher: outboundFetch(env),
          context: (id) => destinationContext(env, id),
          now: Date.now,
          random: Math.random,
          firstRetryDelaySeconds: firstRetryDelaySeconds(env),
        });
        if (decision.retry) await env.DELIVERIES.send(decision.retry.message, { delaySeconds: decision.retry.delaySeconds });
        if (decision.deadLetters.length > 0) {
          await sendMessages(
            env.DELIVERIES_DLQ,
            decision.deadLetters.map(({ event, reason }) =>
              sizeOf({
                deadLetter: { queue: batch.queue, messageId: `${message.id}-${event.messageId}`, reason },
                body: { destinationId: body.destinationId, event },
              }),
            ),
          );
        }
        counts.push(
          { destinationId: body.destinationId, outcome: "delivered", count: decision.delivered },
          { destinationId: body.destinationId, outcome: "failed", count: decision.deadLetters.length },
          // `retrying` is a running balance of events waiting for a retry: up when one is
          // scheduled, down when its message comes back (whatever then happens to it).
          {
            destinationId: body.destinationId,
            outcome: "retrying",
            count: (decision.retry?.message.events.length ?? 0) - (body.attempts > 0 ? body.events.length : 0),
          },
          { destinationId: body.destinationId, outcome: "retry-scheduled", count: decision.retry?.message.events.length ?? 0 },
        );
        if (decision.discarded)
          counts.push({ destinationId: body.destinationId, outcome: `discarded:${decision.discarded.reason}`, count: decision.discarded.count });
        latencies.set(body.destinationId, [...(latencies.get(body.destinationId) ?? []), ...decision.latenciesMs]);
        journeys.push(...deliveryJourneys(body, decision));
        faults.hit("deliveries.before-ack", () => messageIdsIn(message.body));
        message.ack();
      } catch (error) {
        // Our side failed (queue or D1): the whole message comes back; the destination may see
        // some events twice, never none.
        console.error(`delivery of message ${message.id} failed; it is retried`, error);
        message.retry({ delaySeconds: 10 });
      }
    }),
  );
  await Promise.all([
    recordDeliveryStats(env.DB, counts, latencies, new Date()).catch((error: unknown) => console.error("could not record delivery stats", error)),
    // The messages are already settled: the debugger's news never decides a delivery.
    recordInDebuggers(env, journeys, (stub, updates) => stub.update(updates.map(({ messageId, journey }) => ({ messageId, journey })))).catch(
      (error: unknown) => console.error("the live debugger could not take delivery outcomes", error),
    ),
  ]);
}

/** Sends each source's share to its DebuggerObject, all sources at once; fails if any call did. */
async function recordInDebuggers<T extends { sourceId: string }>(
  env: AppEnv,
  items: readonly T[],
  send: (stub: ReturnType<typeof debuggerFor>, items: T[]) => Promise<void>,
): Promise<void> {
  const results = await Promise.allSettled([...bySource(items)].map(([sourceId, part]) => send(debuggerFor(env, sourceId), part)));
  const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : []));
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} debugger calls failed`);
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
      return env.ARCHIVE.put(deadLetterKey(batch.queue, record.messageId, now, destinationOfDeadLetter(record)), JSON.stringify(record), {
        httpMetadata: { contentType: "application/json" },
      });
    }),
  );
  batch.ackAll();
}
