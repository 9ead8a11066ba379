import { identityShardName, indexKey } from "../../identity/index-shards";
import type { DeletionDeps, StepContext, StepResult } from "../deletion-deps";

/** Profiles (or accounts) asked side by side. */
const PARALLEL_PROFILES = 8;

const pastDeadline = (ctx: StepContext) => ctx.deps.now() > ctx.deadline;

/** Identifier keys (`user_id:u1`) grouped by the users index shard that holds them, as index keys. */
function byIndexShard(deps: DeletionDeps, keys: Iterable<string>): Map<string, string[]> {
  const shards = new Map<string, string[]>();
  for (const key of keys) {
    const indexed = indexKey("users", key);
    const name = identityShardName(deps.spaceId, "users", indexed);
    shards.set(name, [...(shards.get(name) ?? []), indexed]);
  }
  return shards;
}

/** Which profile each key maps to in the users index (keys that map nowhere are left out). */
export async function lookupOwners(deps: DeletionDeps, keys: Iterable<string>): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  await Promise.all(
    [...byIndexShard(deps, keys)].map(async ([name, indexKeys]) => {
      const answers = await deps.indexShard(name).lookup(indexKeys);
      indexKeys.forEach((key, i) => answers[i] && owners.set(key, answers[i]));
    }),
  );
  return owners;
}

const profileIds = (deps: DeletionDeps, state: string) =>
  deps.state.sql
    .exec<{ id: string }>("SELECT id FROM profiles WHERE state = ? ORDER BY id", state)
    .toArray()
    .map((row) => row.id);

/** Every key whose mapping goes: the covered keys and every identifier their profiles hold. */
function keysToRelease(ctx: StepContext): string[] {
  const held = ctx.deps.state.sql
    .exec<{ key: string }>("SELECT key FROM profile_keys")
    .toArray()
    .map((row) => row.key);
  return [...new Set([...ctx.covered.keys, ...held])];
}

/**
 * Finds every profile of the people: those the covered keys map to, then, through each profile,
 * the ones it was merged into and the ones merged into it (a merged-away profile still holds its
 * own copy), until none is new. Each profile's identifiers and linked accounts are recorded as it
 * is visited, before anything is erased, so a crash loses nothing the later steps need. Ends by
 * counting the mappings that will go (the receipt's `identityIndex`), before any goes.
 */
export async function discoverProfiles(ctx: StepContext): Promise<StepResult> {
  const { deps } = ctx;
  const { state } = deps;
  if (state.getMeta("profiles_seeded") === undefined) {
    const owners = await lookupOwners(deps, ctx.covered.keys);
    state.transaction(() => {
      for (const id of new Set(owners.values())) state.sql.exec("INSERT OR IGNORE INTO profiles (id) VALUES (?)", id);
      state.setMeta("profiles_seeded", "1");
    });
  }
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: deps.now() };
    const found = state.sql
      .exec<{ id: string }>("SELECT id FROM profiles WHERE state = 'found' ORDER BY id LIMIT ?", PARALLEL_PROFILES)
      .toArray()
      .map((row) => row.id);
    if (found.length === 0) break;
    const scopes = await Promise.all(found.map(async (id) => ({ id, scope: await deps.profile(id).erasureScope() })));
    state.transaction(() => {
      for (const { id, scope } of scopes) {
        // The users index only maps to user profiles; an account reached here would be a bug, never erased for it.
        const isUser = scope.collection !== "accounts";
        state.sql.exec("UPDATE profiles SET state = ?, existed = ? WHERE id = ?", isUser ? "visited" : "skipped", isUser && scope.exists ? 1 : 0, id);
        if (!isUser) continue;
        for (const neighbour of [...scope.absorbed, ...(scope.mergedInto ? [scope.mergedInto] : [])]) {
          state.sql.exec("INSERT OR IGNORE INTO profiles (id) VALUES (?)", neighbour);
        }
        for (const key of scope.identifierKeys) state.sql.exec("INSERT OR IGNORE INTO profile_keys (key) VALUES (?)", key);
        for (const account of scope.accountIds) state.sql.exec("INSERT OR IGNORE INTO accounts (id) VALUES (?)", account);
      }
    });
  }
  if (state.getMeta("mappings_counted") === undefined) {
    const visited = new Set(profileIds(deps, "visited"));
    const owners = await lookupOwners(deps, keysToRelease(ctx));
    const mappings = [...owners.values()].filter((owner) => visited.has(owner)).length;
    const profiles = state.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM profiles WHERE state = 'visited' AND existed = 1").one().n;
    state.transaction(() => {
      state.updateStore("identityIndex", { removed: { mappings } });
      state.updateStore("profiles", { removed: { profiles, accountEvents: 0, accountLinks: 0 } });
      state.setMeta("mappings_counted", "1");
    });
  }
  return "done";
}

/** Forgets the people's identifier mappings in every index shard, only where they point at their profiles. */
export async function releaseMappings(ctx: StepContext): Promise<StepResult> {
  const { deps } = ctx;
  const ids = profileIds(deps, "visited");
  const shards = [...byIndexShard(deps, keysToRelease(ctx))].filter(([name]) => !deps.state.isDone("profiles-release", name));
  await Promise.all(
    shards.map(async ([name, keys]) => {
      await deps.indexShard(name).release(keys, ids);
      deps.state.markDone("profiles-release", name);
    }),
  );
  return "done";
}

/** Erases every profile found, after the index no longer points at them. */
export async function eraseProfiles(ctx: StepContext): Promise<StepResult> {
  const { deps } = ctx;
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: deps.now() };
    const batch = deps.state.sql
      .exec<{ id: string }>("SELECT id FROM profiles WHERE state = 'visited' ORDER BY id LIMIT ?", PARALLEL_PROFILES * 2)
      .toArray()
      .map((row) => row.id);
    if (batch.length === 0) return "done";
    await Promise.all(batch.map((id) => deps.profile(id).erase()));
    deps.state.transaction(() => {
      for (const id of batch) deps.state.sql.exec("UPDATE profiles SET state = 'erased' WHERE id = ?", id);
    });
  }
}

/**
 * The accounts the people belonged to keep existing (a company is not a person), but lose the
 * people's group calls and their links to the erased profiles; an account merged since passes
 * the work on to where it went.
 */
export async function forgetInAccounts(ctx: StepContext): Promise<StepResult> {
  const { deps } = ctx;
  const { state } = deps;
  const keys = [...ctx.covered.keys];
  const erased = profileIds(deps, "erased");
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: deps.now() };
    const batch = state.sql
      .exec<{ id: string }>("SELECT id FROM accounts WHERE state = 'pending' ORDER BY id LIMIT ?", PARALLEL_PROFILES)
      .toArray()
      .map((row) => row.id);
    if (batch.length === 0) break;
    const results = await Promise.all(batch.map(async (id) => ({ id, ...(await deps.profile(id).forget(keys, erased)) })));
    state.transaction(() => {
      for (const { id, events, links, mergedInto } of results) {
        state.recordRemoval("accounts", id, { accountEvents: events, accountLinks: links });
        if (mergedInto) state.sql.exec("INSERT OR IGNORE INTO accounts (id) VALUES (?)", mergedInto);
        state.sql.exec("UPDATE accounts SET state = 'done' WHERE id = ?", id);
      }
    });
  }
  const current = state.progress().stores.profiles?.removed ?? {};
  state.updateStore("profiles", { removed: { ...current, accountEvents: 0, accountLinks: 0, ...state.removalTotals("accounts") } });
  return "done";
}
