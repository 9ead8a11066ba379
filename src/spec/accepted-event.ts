import type { SegmentEvent } from "./validate-event";

/**
 * An event as accepted and archived: the guarantees every later stage may rely on. The edge
 * builds it (`src/ingest/enrich.ts`); the pipeline, identity, Protocols and destinations read it.
 */
export type AcceptedEvent = SegmentEvent & {
  messageId: string;
  receivedAt: string;
  timestamp: string;
  projectId: string;
  context: Record<string, unknown>;
};
