// wrangler dev killed with SIGKILL in the middle of the load (the whole process group: node,
// wrangler, workerd), then started again on the same state directory and port while the senders
// go on. What was durable must come through exactly once: everything the EVENTS consumer had
// committed reaches the archive (the dedupe outbox is SQLite), and everything sent after the
// restart reaches the archive, the profiles and the destination. What Miniflare held only in
// memory (its queues: messages waiting for a batch, in a consumer's hands, or waiting for a retry)
// is lost, and the test accounts for every such event from the consumers' own trace: see
// README.md, "What the local emulator loses on SIGKILL". On Cloudflare, `send` resolves only once
// the queue has stored the message, so none of these would be lost there.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/testing/faults";
import { waitForAccepted, waitForArchived, type DrainOptions } from "./support/drain";
import { compareOnce, countIds, describeOnce } from "./support/exactly-once";
import { startFlappingReceiver, type FlappingReceiver } from "./support/flapping-receiver";
import { startLoad, type SentEvent } from "./support/load";
import { identifiersIn, waitForProfiles, type PersonProfiles } from "./support/people";
import { startReliabilityServer, type ReliabilityServer } from "./support/server";
import { invocations } from "./support/server-log";
import { basicAuth, createWebhook, DEV } from "./support/sluice-client";

const SEED = 20_261_201;
const BEFORE_KILL_MS = 20_000;
const AFTER_RESTART_MS = 15_000;
/** Deadline of each wait for the pipeline to drain (generous: a 2-core machine shared with other work is slow, never wrong). */
const DRAIN_MS = 180_000;
/**
 * The test's own deadline: above the load, the restart and its several drains, so that a slow
 * drain fails with its diagnosis (which wait, what the queue broker still holds) rather than with
 * vitest's bare "timed out" (CI's 2 cores once took over 300 s here).
 */
const TEST_TIMEOUT_MS = 12 * 60_000;
const QUEUES = { events: "sluice-events", identity: "sluice-identity", deliveries: "sluice-deliveries" } as const;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SIGKILL of wrangler dev under load, restarted on the same state", () => {
  let server: ReliabilityServer;
  let receiver: FlappingReceiver;

  beforeAll(async () => {
    receiver = await startFlappingReceiver(seededRandom(SEED + 1)); // never set flapping: only the kill fails here
    server = await startReliabilityServer("sigkill", { seed: SEED, rate: 0, trace: true });
    await createWebhook(server.baseUrl, DEV.sourceId, receiver.url);
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it(
    "keeps every durable event exactly once and loses only what Miniflare's queues held in memory",
    async () => {
      const drain: DrainOptions = { timeoutMs: DRAIN_MS, diagnose: () => server.diagnose() };
      const load = startLoad({
        baseUrl: () => server.baseUrl,
        writeKey: DEV.writeKey,
        runId: `sigkill-${randomUUID().slice(0, 8)}`,
        people: 32,
        senders: 24,
        requestsPerSecond: 16,
        invalidShare: 0.07,
        // Every event names its userId, so a lost event cannot leave a person split over two profiles.
        anonymousOnlyShare: 0,
        random: seededRandom(SEED + 2),
      });
      await pause(BEFORE_KILL_MS);
      const killedAt = Date.now();
      server.kill();
      const firstLife = await server.log();
      await server.restart();
      const restartedAt = Date.now();
      await pause(AFTER_RESTART_MS);
      await load.stop();
      expect(load.contractViolations).toEqual([]);

      const sent = [...load.events.values()].filter((event) => event.valid);
      const acked = sent.filter((event) => event.outcome === "acked");
      // What the consumers had in hand before the kill, from their trace (src/testing/faults.ts).
      const before = seenBefore(firstLife);
      // Sent after the kill, so answered by the restarted server (an answer read just after the
      // kill may have left the first one before it).
      const afterRestart = acked.filter((event) => event.sentAt > killedAt);

      // 1. The archive: everything acknowledged after the restart, and everything committed before the kill.
      let archive = await waitForArchived(server.baseUrl, DEV.sourceId, ids(afterRestart), "the events acknowledged after the restart", drain);
      const archivedOnce = new Set(archive.map((event) => event.messageId));
      const lost = acked.filter((event) => !archivedOnce.has(event.messageId));
      // Lost: acknowledged before the kill, and never in the EVENTS consumer's hands, or only in the
      // invocation the kill interrupted (nothing it did was committed: see the resend below).
      expect(lost.filter((event) => event.sentAt > killedAt)).toEqual([]);
      const lostUnseen = lost.filter((event) => !before.events.seen.has(event.messageId));
      const lostInFlight = lost.filter((event) => before.events.interrupted.has(event.messageId));
      expect(ids(lost).sort()).toEqual([...ids(lostUnseen), ...ids(lostInFlight)].sort());

      // 2. None of the lost events reached a dedupe shard: sent again with their messageIds, each is
      // new to Sluice and archived once (a shard that had committed one would drop it as a duplicate).
      for (let start = 0; start < lost.length; start += 100) {
        const response = await fetch(`${server.baseUrl}/v1/batch`, {
          method: "POST",
          headers: { Authorization: basicAuth(DEV.writeKey), "Content-Type": "application/json" },
          body: JSON.stringify({ batch: lost.slice(start, start + 100).map((event) => event.body) }),
        });
        expect(response.status, await response.text()).toBe(200);
      }
      const unanswered = sent.filter((event) => event.outcome === "unknown");
      archive = await waitForArchived(server.baseUrl, DEV.sourceId, ids(lost), "the lost events, sent again,", drain);
      const archived = new Set(archive.map((event) => event.messageId));
      const expected = sent.filter((event) => event.outcome === "acked" || (event.outcome === "unknown" && archived.has(event.messageId)));
      expect(describeOnce(compareOnce(ids(expected), countIds(archive.map((event) => event.messageId))))).toBe(
        describeOnce({ missing: [], unexpected: [], repeated: [] }),
      );

      // 3. Identity and the destination: every event the EVENTS consumer handed off after the restart
      // arrives; events it had handed off before the kill may have been lost in the IDENTITY or
      // DELIVERIES queue's memory, and only those.
      const handedOffBefore = (event: SentEvent) => before.events.seen.has(event.messageId) && !lost.includes(event);
      const mustArrive = expected.filter((event) => !handedOffBefore(event));
      const byPerson = (events: readonly SentEvent[], index: number) => events.filter((event) => event.person === index);
      const profiles = await waitForProfiles(server.baseUrl, load.people, (index) => ids(byPerson(mustArrive, index)), drain);
      await waitForAccepted(receiver, ids(mustArrive), "every event handed off after the restart", drain);

      const inProfiles = new Set(profiles.flatMap(({ profile }) => profile?.eventIds ?? []));
      const identityLost = expected.filter((event) => !inProfiles.has(event.messageId));
      expect(identityLost.filter((event) => !handedOffBefore(event))).toEqual([]);
      checkProfiles(profiles, expected, identityLost);

      const accepted = receiver.acceptedCounts();
      const delivery = compareOnce(ids(expected), accepted);
      expect(delivery.unexpected).toEqual([]);
      expect(delivery.repeated).toEqual([]);
      const deliveryLost = expected.filter((event) => !accepted.has(event.messageId));
      expect(deliveryLost.filter((event) => !handedOffBefore(event))).toEqual([]);

      // Where each downstream loss was when the kill came: an EVENTS invocation the kill interrupted
      // had committed it but not handed it off; or the hand-off sat in the queue, waiting for its
      // batch; or the downstream consumer had it in hand; or that consumer had finished with it and
      // it waited for a retry (Miniflare keeps retries in timers, in memory too).
      const split = (events: readonly SentEvent[], queue: "identity" | "deliveries") => {
        const where = (event: SentEvent) =>
          before.events.interrupted.has(event.messageId)
            ? "eventsConsumerInterrupted"
            : before[queue].interrupted.has(event.messageId)
              ? "inTheConsumersHands"
              : before[queue].seen.has(event.messageId)
                ? "waitingForARetry"
                : "inTheQueue";
        return Object.fromEntries(countIds(events.map(where)));
      };
      console.log(
        JSON.stringify({
          reliability: "sigkill",
          requests: Object.fromEntries(load.answers),
          events: {
            sent: sent.length,
            acked: acked.length,
            ackedBeforeKill: acked.length - afterRestart.length,
            ackedAfterRestart: afterRestart.length,
            unanswered: unanswered.length,
            unansweredArchived: expected.length - acked.length,
            committedBeforeKill: acked.filter(handedOffBefore).length,
          },
          lostAtKill: {
            archive: {
              total: lost.length,
              neverReachedTheConsumer: lostUnseen.length,
              inTheInterruptedInvocation: lostInFlight.length,
              archivedWhenSentAgain: lost.length,
            },
            identity: { total: identityLost.length, ...split(identityLost, "identity") },
            destination: { total: deliveryLost.length, ...split(deliveryLost, "deliveries") },
          },
          seconds: { restart: (restartedAt - killedAt) / 1000 },
        }),
      );
    },
    TEST_TIMEOUT_MS,
  );
});

function ids(events: readonly SentEvent[]): string[] {
  return events.map((event) => event.messageId);
}

/** Per queue, the messageIds its consumer received before the kill, and those of the invocations the kill interrupted. */
function seenBefore(log: string) {
  const of = (queue: string) => {
    const all = invocations(log, queue);
    return {
      seen: new Set(all.flatMap((invocation) => invocation.messageIds)),
      interrupted: new Set(all.filter((invocation) => !invocation.finished).flatMap((invocation) => invocation.messageIds)),
    };
  };
  return { events: of(QUEUES.events), identity: of(QUEUES.identity), deliveries: of(QUEUES.deliveries) };
}

/**
 * Each person's profile holds each of their resolved events once and only identifiers they sent:
 * all of those its events carry, and beyond them only identifiers of events lost mid-resolution
 * (claimed before the kill, the event itself never applied).
 */
function checkProfiles(profiles: readonly PersonProfiles[], expected: readonly SentEvent[], identityLost: readonly SentEvent[]): void {
  for (const [index, { person, profile, segmentIds }] of profiles.entries()) {
    const theirs = expected.filter((event) => event.person === index);
    if (!profile) {
      expect(
        theirs.filter((event) => !identityLost.includes(event)),
        `events of ${person.userId}, who has no profile`,
      ).toEqual([]);
      continue;
    }
    const byId = new Map(theirs.map((event) => [event.messageId, event]));
    const report = compareOnce(
      profile.eventIds.filter((id) => byId.has(id)),
      countIds(profile.eventIds),
    );
    expect(describeOnce(report), `events of ${person.userId}`).toBe(describeOnce({ missing: [], unexpected: [], repeated: [] }));
    const carried = identifiersIn(profile.eventIds.map((id) => byId.get(id)!));
    const sentByThem = identifiersIn(theirs);
    expect(
      profile.identifiers.filter((identifier) => !sentByThem.has(identifier)),
      `identifiers of ${person.userId} they never sent`,
    ).toEqual([]);
    expect(
      [...carried].filter((identifier) => !profile.identifiers.includes(identifier)),
      `identifiers of ${person.userId}'s events`,
    ).toEqual([]);
    const extra = profile.identifiers.filter((identifier) => !carried.has(identifier));
    const fromLost = identifiersIn(identityLost.filter((event) => event.person === index));
    expect(
      extra.filter((identifier) => !fromLost.has(identifier)),
      `identifiers of ${person.userId} no resolved or interrupted event explains`,
    ).toEqual([]);
    for (const [identifier, segmentId] of segmentIds) {
      if (segmentId !== null) expect(segmentId, `${identifier} finds ${person.userId}'s profile`).toBe(profile.segmentId);
    }
  }
}
