import { z } from "zod";
import type { DestinationType } from "../destination-type";

export const segmentSettings = z.object({
  /** Base URL of a Segment-compatible Tracking API: `https://api.segment.io`, another Sluice… */
  endpoint: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://api.segment.io"),
  writeKey: z.string({ error: "writeKey is required: the receiving source's write key" }).min(1).max(200),
});

export type SegmentSettings = z.infer<typeof segmentSettings>;

/** Segment's batch limits: 500 KB and 2,500 events per `/v1/batch` call. */
const MAX_BATCH_BYTES = 480_000;
const MAX_BATCH_EVENTS = 2_500;

/**
 * Forwards to any Segment-compatible endpoint through `/v1/batch`, as a Segment library would:
 * HTTP Basic with the write key, events as accepted here (their messageIds let the receiver
 * dedupe a retried batch).
 */
export const segmentDestination: DestinationType<SegmentSettings> = {
  type: "segment",
  settings: segmentSettings,
  secrets: ["writeKey"],
  requests(events, settings) {
    const url = `${settings.endpoint.replace(/\/+$/, "")}/v1/batch`;
    const headers = { Authorization: `Basic ${btoa(`${settings.writeKey}:`)}`, "Content-Type": "application/json" };
    const requests: { url: string; init: { method: "POST"; headers: Record<string, string>; body: string }; events: number[] }[] = [];
    let current: number[] = [];
    let bytes = 0;
    const flush = () => {
      if (current.length === 0) return;
      const batch = current.map((index) => withoutSluiceFields(events[index]!));
      requests.push({ url, init: { method: "POST", headers, body: JSON.stringify({ batch, sentAt: new Date().toISOString() }) }, events: current });
      current = [];
      bytes = 0;
    };
    events.forEach((event, index) => {
      const size = JSON.stringify(event).length;
      if (current.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES) flush();
      current.push(index);
      bytes += size;
    });
    flush();
    return Promise.resolve(requests);
  },
};

/** The receiving workspace sets its own `projectId`/`receivedAt`; ours would only mislead it. */
function withoutSluiceFields(event: Record<string, unknown>): Record<string, unknown> {
  const { projectId: _project, receivedAt: _received, ...rest } = event;
  return rest;
}
