// Cloudflare's published prices for what Sluice uses, Workers Paid plan, USD, read 2026-11-30 from
// developers.cloudflare.com (sources below). The cost model prices every billable unit from the
// first one: the plan's $5/month and its included allowances (10 M Worker requests, 1 M Durable
// Object requests, 50 M rows written, 1 M queue operations, …) are ignored, since at the rates
// the capacity model looks at (1,000 events/s and up) they are a rounding error.
//
// How each is billed (from the same pages):
// - Workers Standard: per inbound request (HTTP, and each Queue consumer or Cron invocation,
//   as the pricing page's Cron example counts them) and per CPU millisecond; no duration charge;
//   subrequests (queue sends, D1, R2, Durable Object calls) are not Worker requests.
// - Queues: one operation per 64 KB (KB = 1,000 bytes, ~100 bytes of metadata per message) of each
//   message written, read and deleted (3 for a delivered message); each retry is one more read.
// - Durable Objects: every RPC method call, HTTP request, alarm invocation (and 1 in 20 incoming
//   WebSocket messages) is a request; duration is wall-clock GB-s at 128 MB per active object,
//   shared by the requests active at once; SQLite storage bills rows read and written (each
//   setAlarm is one row written) and GB-month stored.
// - D1: rows read and written as reported in each query's meta; GB-month stored.
// - R2 (Standard storage): Class A (PutObject, ListObjects, CopyObject, multipart uploads),
//   Class B (GetObject, HeadObject), DeleteObject free; GB-month stored; no egress charge.
export const PRICES_READ_ON = "2026-11-30";

export const PRICE_SOURCES = {
  workers: "https://developers.cloudflare.com/workers/platform/pricing/",
  queues: "https://developers.cloudflare.com/queues/platform/pricing/",
  durableObjects: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  d1: "https://developers.cloudflare.com/d1/platform/pricing/",
  r2: "https://developers.cloudflare.com/r2/pricing/",
};

/** USD per billable unit. */
export const PRICES = {
  workerRequests: 0.3 / 1e6,
  workerCpuMs: 0.02 / 1e6,
  queueOperations: 0.4 / 1e6,
  doRequests: 0.15 / 1e6,
  doGbSeconds: 12.5 / 1e6,
  doRowsRead: 0.001 / 1e6,
  doRowsWritten: 1.0 / 1e6,
  doStoredGbMonths: 0.2,
  d1RowsRead: 0.001 / 1e6,
  d1RowsWritten: 1.0 / 1e6,
  d1StoredGbMonths: 0.75,
  r2ClassA: 4.5 / 1e6,
  r2ClassB: 0.36 / 1e6,
  r2StoredGbMonths: 0.015,
};

/** Durable Object duration is billed for 128 MB per active object, whatever it uses. */
export const DO_BILLED_GB = 0.128;

/** Seconds in a 30-day month: events/s × this = events a month. */
export const SECONDS_PER_MONTH = 2_592_000;
