import { inject } from "vitest";
import type { ReceivedRequest } from "../receiver/received";

/** The requests the test receiver recorded for a hook (its query, which sets how it answers, left out). */
export async function received(hook: string): Promise<ReceivedRequest[]> {
  return await (await fetch(`${inject("receiverUrl")}${hook.split("?")[0]}`)).json<ReceivedRequest[]>();
}
