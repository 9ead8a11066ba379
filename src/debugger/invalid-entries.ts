import { capEntry, type DebuggerEntry } from "./entry";

export interface RefusedEvent {
  /** The event as the client sent it. */
  payload: unknown;
  /** What the client was told about it. */
  error: { message: string; field: string };
}

/**
 * Events the Tracking API refused, as debugger entries: each with its own id, never merged, and
 * already capped (capEntry), so an oversized or deeply nested payload crosses to the debugger as
 * its preview instead of failing the call.
 */
export function invalidEntries(sourceId: string, refused: readonly RefusedEvent[], receivedAt: Date, newId: () => string): DebuggerEntry[] {
  return refused.map(({ payload, error }) => {
    const messageId = (payload as { messageId?: unknown } | null)?.messageId;
    return capEntry({
      id: `invalid-${newId()}`,
      messageId: typeof messageId === "string" ? messageId.slice(0, 100) : null,
      sourceId,
      receivedAt: receivedAt.toISOString(),
      kind: "invalid",
      event: payload,
      error,
      journey: {},
    }).entry;
  });
}
