import { waitUntil } from "../../support/wait-until";
import { compareOnce, countIds, describeOnce } from "./exactly-once";
import type { FlappingReceiver } from "./flapping-receiver";
import { readArchive, type ArchivedEvent } from "./sluice-client";

export interface DrainOptions {
  timeoutMs: number;
  /** What else to say when the deadline passes (such as a queue stalled in the emulator). */
  diagnose?: () => Promise<string>;
}

/**
 * `waitUntil` for a stage of the pipeline to drain, keeping what the last completed probe saw:
 * a probe still running at the deadline (reading a large archive, on a busy machine) would
 * otherwise leave only "did not answer" in the failure, not what was still missing.
 */
export async function waitForDrain<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (value: T) => string,
  { timeoutMs, diagnose }: DrainOptions,
  intervalMs = 2_000,
): Promise<T> {
  let last = "no probe completed";
  try {
    return await waitUntil(
      what,
      async () => {
        const value = await probe();
        last = describe(value);
        return value;
      },
      done,
      { timeoutMs, intervalMs, describe },
    );
  } catch (error) {
    const diagnosis = diagnose ? await diagnose().catch((failure: unknown) => `(no diagnosis: ${String(failure)})`) : "";
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the last completed probe saw: ${last}${diagnosis ? `; ${diagnosis}` : ""}`);
  }
}

/**
 * Waits until a source's archive holds each of `ids` at least once; answers the whole archive.
 * Every 5 s: each probe reads and unzips the whole archive, work the server also has to do.
 */
export function waitForArchived(baseUrl: string, sourceId: string, ids: Iterable<string>, what: string, options: DrainOptions): Promise<ArchivedEvent[]> {
  const wanted = [...ids];
  const report = (events: ArchivedEvent[]) => compareOnce(wanted, countIds(events.map((event) => event.messageId)));
  return waitForDrain(
    `${what} in the archive`,
    () => readArchive(baseUrl, sourceId),
    (events) => report(events).missing.length === 0,
    (events) => describeOnce(report(events)),
    options,
    5_000,
  );
}

/** Waits until the receiver has accepted each of `ids` at least once. */
export async function waitForAccepted(receiver: FlappingReceiver, ids: Iterable<string>, what: string, options: DrainOptions): Promise<void> {
  const wanted = [...ids];
  await waitForDrain(
    `${what} accepted by the webhook receiver`,
    () => Promise.resolve(compareOnce(wanted, receiver.acceptedCounts())),
    (report) => report.missing.length === 0,
    describeOnce,
    options,
    1_000,
  );
}
