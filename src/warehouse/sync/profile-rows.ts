import { z } from "zod";
import { parseStoredJson } from "../../storage/stored-json";
import type { WarehouseRow } from "../parquet/types";
import { compareCalls, mergeProfileCall, type ProfileCall, type ProfileRowState } from "../schema/users-accounts";

const storedCall = z.object({
  kind: z.enum(["user", "account"]),
  id: z.string(),
  traits: z.unknown(),
  timestamp: z.string(),
  receivedAt: z.string(),
  messageId: z.string(),
});

export function parseProfileCall(text: string, where: string): ProfileCall {
  return parseStoredJson(storedCall, text, where);
}

/**
 * `users` or `accounts` rows from every kept call, given grouped by entity: each entity's calls
 * folded in call order, so its row is the same whatever order the calls arrived in, and its
 * `uuid_ts` is when its latest call was received.
 */
export function* foldProfileRows(calls: Iterable<{ entityId: string; call: string }>): Generator<WarehouseRow> {
  let entity: string | null = null;
  let group: ProfileCall[] = [];
  const fold = (): WarehouseRow | null => {
    let state: ProfileRowState | undefined;
    for (const call of group.sort((a, b) => compareCalls(a, b))) state = mergeProfileCall(state, call, { uuidTs: new Date(call.receivedAt) });
    return state?.row ?? null;
  };
  for (const { entityId, call } of calls) {
    if (entityId !== entity) {
      const row = fold();
      if (row) yield row;
      entity = entityId;
      group = [];
    }
    group.push(parseProfileCall(call, `warehouse profile call of ${entityId}`));
  }
  const row = fold();
  if (row) yield row;
}
