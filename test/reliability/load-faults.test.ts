// A minute of mixed traffic from 24 concurrent senders against wrangler dev while every queue
// consumer crashes at random points and the webhook destination flaps for 20 seconds; then the
// pipeline drains and each stage is checked: every acknowledged event archived once, every
// person's profile holding exactly their identifiers and each of their events once, and the
// destination holding every event, more than once only where a crash between a hand-off and its
// ack explains it (delivery is at least once: ARCHITECTURE.md, Destinations).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_POINTS, seededRandom } from "../../src/testing/faults";
import { waitForAccepted, waitForArchived, type DrainOptions } from "./support/drain";
import { compareOnce, countIds, describeOnce, isSubset } from "./support/exactly-once";
import { startFlappingReceiver, type FlappingReceiver } from "./support/flapping-receiver";
import { ackedEvents, startLoad, type SentEvent } from "./support/load";
import { identifiersOf, userProfileShare, waitForProfiles } from "./support/people";
import { startReliabilityServer, type ReliabilityServer } from "./support/server";
import { faultsAt, receivedBy, testLines } from "./support/server-log";
import { adminJson, createWebhook, DEV, readArchive, readDebugger, type ArchivedEvent } from "./support/sluice-client";

const SEED = 20_261_130;
const LOAD_MS = 60_000;
/** The destination flaps from 15 s to 35 s into the load. */
const FLAP_FROM_MS = 15_000;
const FLAP_UNTIL_MS = 35_000;
/** Crash points whose retry hands events to the destination a second time (delivery is at least once). */
const REDELIVERING_POINTS = ["events.before-ack", "deliveries.before-ack"];
/** Deadline of each wait for the pipeline to drain (generous: a 2-core machine shared with other work is slow, never wrong). */
const DRAIN_MS = 180_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a minute of load while consumers crash and the destination flaps", () => {
  let server: ReliabilityServer;
  let receiver: FlappingReceiver;
  let destinationId: string;

  beforeAll(async () => {
    receiver = await startFlappingReceiver(seededRandom(SEED + 1));
    // About 40 EVENTS, 30 IDENTITY and 15 DELIVERIES invocations in a run: the deliveries points
    // fire more often so that every consumer surely crashes a few times.
    server = await startReliabilityServer("faults", {
      seed: SEED,
      rate: 0.1,
      rates: { "deliveries.before-send": 0.25, "deliveries.before-ack": 0.25 },
      trace: true,
    });
    destinationId = await createWebhook(server.baseUrl, DEV.sourceId, receiver.url);
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it("archives, resolves and delivers every acknowledged event exactly once; only explained crashes deliver twice", async () => {
    const drain: DrainOptions = { timeoutMs: DRAIN_MS, diagnose: () => server.diagnose() };
    const startedAt = Date.now();
    const load = startLoad({
      baseUrl: () => server.baseUrl,
      writeKey: DEV.writeKey,
      runId: `faults-${randomUUID().slice(0, 8)}`,
      people: 48,
      senders: 24,
      requestsPerSecond: 16,
      invalidShare: 0.07,
      anonymousOnlyShare: 0.25,
      random: seededRandom(SEED + 2),
    });
    // Scenario timing (pacing, not waiting for a state): steady, flapping, steady again.
    await pause(FLAP_FROM_MS);
    receiver.setFlapping(true);
    await pause(FLAP_UNTIL_MS - FLAP_FROM_MS);
    receiver.setFlapping(false);
    await pause(LOAD_MS - FLAP_UNTIL_MS);
    await load.stop();
    const loadEndedAt = Date.now();

    const sent = [...load.events.values()];
    const ackedIds = new Set(ackedEvents(load).map((event) => event.messageId));
    expect(load.contractViolations).toEqual([]);
    if (load.otherAnswers.length > 0) console.log(`answers other than 200 and 400:\n${load.otherAnswers.join("\n")}`);

    // Drain: each stage is polled until it holds every acknowledged event (or the deadline fails the test).
    const archive = await waitForArchived(server.baseUrl, DEV.sourceId, ackedIds, "every acknowledged event", drain);
    const archivedAt = Date.now();
    // A request that got no answer (or a 5xx) may still have queued its events: those that did
    // are held to the same checks as the acknowledged ones.
    const { expected, expectedIds } = expectedEvents(sent, archive);

    await waitForAccepted(receiver, expectedIds, "every archived event", drain);
    const deliveredAt = Date.now();
    const shares = load.people.map((_, index) => userProfileShare(expected.filter((event) => event.person === index)));
    const profiles = await waitForProfiles(server.baseUrl, load.people, (index) => ids(shares[index]!.events), drain);
    const resolvedAt = Date.now();

    // The archive: every acknowledged event once; nothing refused; of the unanswered, only what was queued.
    const finalArchive = await readArchive(server.baseUrl, DEV.sourceId);
    const archiveReport = compareOnce(expectedIds, countIds(finalArchive.map((event) => event.messageId)));
    expect(describeOnce(archiveReport)).toBe(describeOnce({ missing: [], unexpected: [], repeated: [] }));
    expect(finalArchive.filter((event) => JSON.stringify(event).includes("reliabilityInvalid"))).toEqual([]);
    expect(isSubset(ackedIds, expectedIds)).toBe(true);

    // Profiles: one per person, holding exactly the identifiers their events linked to their
    // userId, and each of those events once; every one of those identifiers finds that profile.
    for (const [index, { person, profile, segmentIds }] of profiles.entries()) {
      const { events, identifiers } = shares[index]!;
      expect(profile, `profile of ${person.userId}`).not.toBeNull();
      expect(profile!.identifiers, `identifiers of ${person.userId}`).toEqual([...identifiers].sort());
      const linked = [...segmentIds].filter(([identifier]) => identifiers.has(identifier));
      expect(linked, `identifiers of ${person.userId} and the profile each finds`).toEqual(linked.map(([identifier]) => [identifier, profile!.segmentId]));
      expect(describeOnce(compareOnce(ids(events), countIds(profile!.eventIds))), `events of ${person.userId}`).toBe(
        describeOnce({ missing: [], unexpected: [], repeated: [] }),
      );
    }
    // Every identifier of a person is linked, unless each event linking it went unanswered.
    const linkedEverything = shares.filter(({ identifiers }, index) => identifiers.size === identifiersOf(load.people[index]!).length).length;

    // The destination: every acknowledged event; a repeat only where a logged crash re-sent it.
    const lines = testLines(await server.log());
    const resent = new Set(faultsAt(lines, REDELIVERING_POINTS).flatMap((line) => line.messageIds));
    const accepted = receiver.acceptedCounts();
    const delivery = compareOnce(expectedIds, accepted);
    expect(delivery.missing).toEqual([]);
    expect(delivery.unexpected).toEqual([]);
    const unexplained = delivery.repeated.filter(([id]) => !resent.has(id));
    expect(unexplained, "events the receiver accepted more than once with no crash to explain it").toEqual([]);
    const deadLetters = await adminJson<{ deadLetters: unknown[] }>(server.baseUrl, "GET", `/api/v1/destinations/${destinationId}/dead-letters`);
    expect(deadLetters.deadLetters).toEqual([]);

    // The faults did happen: the receiver flapped every way, and every consumer crashed.
    const answers = receiver.answers();
    expect(Object.keys(answers).sort()).toEqual(["200", "429", "500", "hang"]);
    const faults = faultsAt(lines, [...FAULT_POINTS]);
    for (const queue of ["sluice-events", "sluice-identity", "sluice-deliveries"]) {
      expect(faults.filter((fault) => fault.queue === queue).length, `faults injected into ${queue}`).toBeGreaterThan(0);
    }

    // Refused events never reach the pipeline; those still among the debugger's newest are ours.
    const invalid = sent.filter((event) => !event.valid);
    const invalidIds = new Set(invalid.map((event) => event.messageId));
    expect(invalid.filter((event) => event.outcome !== "refused" && event.outcome !== "unknown")).toEqual([]);
    const debuggerInvalid = (await readDebugger(server.baseUrl, DEV.sourceId)).filter((entry) => entry.kind === "invalid");
    expect(debuggerInvalid.length).toBeGreaterThan(0);
    expect(debuggerInvalid.filter((entry) => !invalidIds.has(String((entry.event as { messageId?: unknown } | null)?.messageId)))).toEqual([]);

    console.log(
      JSON.stringify({
        reliability: "load-faults",
        requests: Object.fromEntries(load.answers),
        events: {
          sent: sent.length,
          acked: ackedIds.size,
          unanswered: sent.filter((event) => event.outcome === "unknown").length,
          archived: finalArchive.length,
          invalid: invalid.length,
        },
        people: { total: load.people.length, withEveryIdentifierLinked: linkedEverything },
        receiver: { ...answers, acceptedTwice: delivery.repeated.length, explainedBy: REDELIVERING_POINTS },
        faults: Object.fromEntries(FAULT_POINTS.map((point) => [point, faults.filter((fault) => fault.point === point).length])),
        consumerInvocations: Object.fromEntries(
          ["sluice-events", "sluice-identity", "sluice-deliveries"].map((queue) => [queue, receivedBy(lines, queue).length]),
        ),
        seconds: {
          load: (loadEndedAt - startedAt) / 1000,
          archivedAfterLoad: (archivedAt - loadEndedAt) / 1000,
          deliveredAfterLoad: (deliveredAt - loadEndedAt) / 1000,
          resolvedAfterLoad: (resolvedAt - loadEndedAt) / 1000,
        },
      }),
    );
  });
});

function ids(events: readonly SentEvent[]): string[] {
  return events.map((event) => event.messageId);
}

/** The events every stage must hold: those acknowledged, and those unanswered that the archive took. */
function expectedEvents(sent: readonly SentEvent[], archive: readonly ArchivedEvent[]): { expected: SentEvent[]; expectedIds: Set<string> } {
  const archived = new Set(archive.map((event) => event.messageId));
  const expected = sent.filter((event) => event.valid && (event.outcome === "acked" || (event.outcome === "unknown" && archived.has(event.messageId))));
  return { expected, expectedIds: new Set(ids(expected)) };
}
