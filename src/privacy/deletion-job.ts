import { coveredFrom } from "./covered";
import type { DeletionDeps, StepContext, StepResult } from "./deletion-deps";
import type { DeletionStep } from "./deletion-state";
import { REGULATION_EFFECTS, type RegulationProgress, type RegulationStatus, type RegulationType } from "./regulation";
import { eraseListedObjects, listIndexedObjects, unindexListedObjects, verifyListedObjects } from "./steps/archive-steps";
import { forwardDeletions } from "./steps/forward-deletions";
import { discoverProfiles, eraseProfiles, forgetInAccounts, lookupOwners, releaseMappings } from "./steps/profile-steps";
import { eraseD1Rows, eraseDeadLetters, purgeDebuggers, purgeOutboxes, purgeReplays } from "./steps/store-steps";

/** Wall time one alarm spends before handing over to the next. */
const TICK_BUDGET_MS = 10_000;
/** Failed alarms in a row (R2, D1 or a Durable Object failing, not a destination's answer) before the job gives up. */
const MAX_FAILED_TICKS = 10;

/**
 * The steps a regulation type runs, in order. Everything internal needs the outbox purged first
 * (events committed but not yet in R2) and then the archive; the warehouse syncs follow the
 * internal erasure, not the forwarding (which may retry a destination for hours); the receipt's
 * verification comes after every removal.
 */
export function planDeletionSteps(type: RegulationType): DeletionStep[] {
  const { deleteInternal, forwardToDestinations } = REGULATION_EFFECTS[type];
  const steps: DeletionStep[] = ["settle"];
  if (deleteInternal !== "none") steps.push("outbox", "archive-index", "archive-erase", "archive-unindex");
  if (deleteInternal === "all") steps.push("dead-letters", "debugger", "replays", "profiles-discover", "profiles-release", "profiles-erase", "accounts", "d1");
  if (deleteInternal !== "none") steps.push("warehouse");
  if (forwardToDestinations) steps.push("destinations");
  if (deleteInternal !== "none") steps.push("verify");
  steps.push("finish", "done");
  return steps;
}

/** Which store of the progress each step works on. */
const STEP_STORE: Partial<Record<DeletionStep, string>> = {
  outbox: "outbox",
  "archive-index": "archive",
  "archive-erase": "archive",
  "archive-unindex": "archive",
  "dead-letters": "deadLetters",
  debugger: "debugger",
  replays: "replays",
  "profiles-discover": "profiles",
  "profiles-release": "identityIndex",
  "profiles-erase": "profiles",
  accounts: "profiles",
  d1: "d1",
};

/** The progress a regulation starts with: each store it erases from, pending. */
export function initialProgress(steps: readonly DeletionStep[]): RegulationProgress {
  const stores = new Set(steps.flatMap((step) => STEP_STORE[step] ?? []));
  return { stores: Object.fromEntries([...stores].map((store) => [store, { status: "pending" as const, removed: {} }])), destinations: {} };
}

const STEPS: Record<Exclude<DeletionStep, "finish" | "done">, (ctx: StepContext) => Promise<StepResult>> = {
  settle: (ctx) => {
    const until = ctx.deps.state.numberMeta("settle_until");
    return Promise.resolve(ctx.deps.now() >= until ? "done" : { wakeAt: until });
  },
  outbox: purgeOutboxes,
  "archive-index": listIndexedObjects,
  "archive-erase": eraseListedObjects,
  "archive-unindex": unindexListedObjects,
  "dead-letters": eraseDeadLetters,
  debugger: purgeDebuggers,
  replays: purgeReplays,
  "profiles-discover": discoverProfiles,
  "profiles-release": releaseMappings,
  "profiles-erase": eraseProfiles,
  accounts: forgetInAccounts,
  d1: eraseD1Rows,
  warehouse: startWarehouseSyncs,
  destinations: forwardDeletions,
  verify: verify,
};

/**
 * Runs one regulation's deletion, one alarm at a time: each step works through its units,
 * saving its cursor as it goes, and the job moves to the next step once one is done. An alarm
 * that fails is retried with a growing pause; the job ends FAILED after MAX_FAILED_TICKS failures
 * in a row. Progress is published (D1, RUNNING) after every alarm, and at the end the status and
 * the receipt.
 */
export class DeletionJob {
  constructor(private readonly deps: DeletionDeps) {}

  /** Does one alarm's work; answers when to run again (epoch ms), or null when the job is over. */
  async tick(): Promise<number | null> {
    const { state } = this.deps;
    const spec = state.spec();
    if (!spec || state.step() === "done") return null;
    let next: number | null;
    try {
      next = await this.run(this.deps.now() + TICK_BUDGET_MS);
      state.setMeta("failures", "0");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`regulation ${spec.id}: step ${state.step()} failed`, error);
      const failures = state.numberMeta("failures") + 1;
      state.setMeta("failures", String(failures));
      if (failures >= MAX_FAILED_TICKS && state.step() !== "finish") {
        this.giveUp(`${state.step()} failed ${failures} times in a row: ${message}`);
        next = this.deps.now();
      } else {
        next = this.deps.now() + Math.min(60_000, 2_000 * failures);
      }
    }
    if (state.step() !== "done") {
      await this.deps
        .report("RUNNING", state.progress(), null)
        .catch((error: unknown) => console.error(`could not publish regulation ${spec.id}'s progress`, error));
    }
    return state.step() === "done" ? null : next;
  }

  private async run(deadline: number): Promise<number | null> {
    const { state } = this.deps;
    const ctx: StepContext = { deps: this.deps, covered: coveredFrom(state.coveredKeys()), deadline };
    for (;;) {
      const step = state.step();
      if (step === "done") return null;
      if (step === "finish") {
        await this.finish();
        return null;
      }
      const store = STEP_STORE[step];
      if (store && state.progress().stores[store]?.status === "pending") state.updateStore(store, { status: "running" });
      const result = await STEPS[step](ctx);
      if (result !== "done") return result.wakeAt;
      state.transaction(() => {
        const next = state.advance();
        if (store && !this.laterSteps(next).some((later) => STEP_STORE[later] === store)) state.updateStore(store, { status: "done" });
      });
      if (this.deps.now() > deadline) return this.deps.now();
    }
  }

  /** The steps from `step` on, in this regulation's plan. */
  private laterSteps(step: DeletionStep): DeletionStep[] {
    const steps = planDeletionSteps(this.deps.state.spec()!.regulationType);
    return steps.slice(steps.indexOf(step));
  }

  /** Stops the job where it is: the step's store (or the destinations still pending) failed. */
  private giveUp(error: string): void {
    const { state } = this.deps;
    state.transaction(() => {
      const store = STEP_STORE[state.step()];
      if (store) state.updateStore(store, { status: "failed", error });
      if (state.step() === "destinations") {
        const pending = state.sql.exec<{ destination_id: string }>("SELECT destination_id FROM deliveries WHERE state = 'pending'").toArray();
        for (const { destination_id } of pending) state.updateDestination(destination_id, { status: "failed", error });
      }
      state.setMeta("job_error", error);
      state.setMeta("step", "finish");
    });
  }

  /** Decides the status, publishes it with the receipt, and forgets the working set. */
  private async finish(): Promise<void> {
    const { state } = this.deps;
    const progress = state.progress();
    const { status, error } = finalStatus(progress, state.getMeta("job_error") ?? null);
    await this.deps.report(status, progress, error);
    state.transaction(() => {
      state.setMeta("status", status);
      state.setMeta("step", "done");
    });
    state.dropWorkingSet();
  }
}

/** FAILED when a store could not be erased; PARTIAL_SUCCESS when a destination failed or the verification found something. */
export function finalStatus(progress: RegulationProgress, jobError: string | null): { status: RegulationStatus; error: string | null } {
  const failedStores = Object.entries(progress.stores).filter(([, store]) => store.status === "failed");
  if (jobError !== null || failedStores.length > 0) {
    return { status: "FAILED", error: jobError ?? failedStores.map(([name, store]) => `${name}: ${store.error ?? "failed"}`).join("; ") };
  }
  const failedDestinations = Object.entries(progress.destinations).filter(([, destination]) => destination.status === "failed");
  const found = progress.verification;
  const problems = [
    ...failedDestinations.map(([id, destination]) => `destination ${id}: ${destination.error ?? "failed"}`),
    ...(found && found.occurrences > 0 ? [`verification still found ${found.occurrences} occurrences of the people in the archive`] : []),
    ...(found && found.profilesStillFound > 0 ? [`verification found ${found.profilesStillFound} identifiers still resolving to a profile`] : []),
  ];
  return problems.length > 0 ? { status: "PARTIAL_SUCCESS", error: problems.join("; ") } : { status: "FINISHED", error: null };
}

/**
 * Asks every source's warehouse sync to run, now that the archive and identity are rewritten.
 * Once: a failure to start is noted in the progress, not retried, and fails nothing (the next
 * scheduled sync removes the people from those sources' tables).
 */
async function startWarehouseSyncs(ctx: StepContext): Promise<StepResult> {
  const { state } = ctx.deps;
  const requestedAt = new Date(ctx.deps.now()).toISOString();
  const error = await ctx.deps.startWarehouseSyncs().then(
    () => undefined,
    (cause: unknown) => (cause instanceof Error ? cause.message : String(cause)),
  );
  const progress = state.progress();
  progress.warehouse = { requestedAt, ...(error === undefined ? {} : { error }) };
  state.saveProgress(progress);
  return "done";
}

/** The receipt: the archive objects re-read, then (when profiles were in scope) the index looked up again. */
async function verify(ctx: StepContext): Promise<StepResult> {
  const { state } = ctx.deps;
  const objects = await verifyListedObjects(ctx);
  if (objects !== "done") return objects;
  const profilesInScope = REGULATION_EFFECTS[state.spec()!.regulationType].deleteInternal === "all";
  const stillFound = profilesInScope ? (await lookupOwners(ctx.deps, ctx.covered.keys)).size : 0;
  const progress = state.progress();
  progress.verification = {
    objectsChecked: state.numberMeta("verify_objects"),
    eventsChecked: state.numberMeta("verify_events"),
    occurrences: state.numberMeta("verify_occurrences"),
    profilesStillFound: stillFound,
    at: new Date(ctx.deps.now()).toISOString(),
  };
  state.saveProgress(progress);
  return "done";
}
