// The cost model: `sluice-meter` lines (src/metering) summed into billable units per pipeline
// stage, then priced (cloudflare-prices.mjs). Pure: the cost section feeds it what one run printed
// and the CPU and storage it measured.
import { DO_BILLED_GB, PRICES } from "./cloudflare-prices.mjs";

export const METER_PREFIX = "sluice-meter ";

/** The stages a share is reported for, in pipeline order. */
export const STAGES = {
  ingest: "Tracking API at the edge",
  eventsConsumer: "EVENTS consumer and the R2 archive",
  dedupe: "dedupe shards",
  identity: "identity index and profiles",
  debugger: "live debugger",
  stats: "schema and stats in D1",
  deliveries: "DELIVERIES consumer (webhook)",
  workerCpu: "Worker CPU (every stage, measured on the whole server)",
};

/** Binding names → the queue names their consumers see (wrangler.toml). */
const QUEUE_OF_BINDING = {
  EVENTS: "sluice-events",
  IDENTITY: "sluice-identity",
  DELIVERIES: "sluice-deliveries",
  EVENTS_DLQ: "sluice-events-dlq",
  IDENTITY_DLQ: "sluice-identity-dlq",
  DELIVERIES_DLQ: "sluice-deliveries-dlq",
};
const STAGE_OF_QUEUE = { "sluice-events": "eventsConsumer", "sluice-identity": "identity", "sluice-deliveries": "deliveries" };
const STAGE_OF_NAMESPACE = { DEDUPE: "dedupe", IDENTITY_INDEX: "identity", PROFILES: "identity", DEBUGGER: "debugger" };
const STAGE_OF_OBJECT = { DedupeObject: "dedupe", IdentityIndexObject: "identity", ProfileObject: "identity", DebuggerObject: "debugger" };

/** Parses the `sluice-meter` lines of a server log's text. */
export function parseMeterLines(text) {
  const lines = [];
  for (const raw of text.split("\n")) {
    const at = raw.indexOf(METER_PREFIX);
    if (at >= 0) lines.push(JSON.parse(raw.slice(at + METER_PREFIX.length)));
  }
  return lines;
}

/**
 * Which stage a line's counter group is charged to, or undefined for entry points outside the
 * event flow (admin API, console, health checks). Calls on a Durable Object binding belong to the
 * object's stage wherever they come from; a queue's writes to the stage that consumes it.
 */
export function stageOf(entry, group) {
  const [entryKind, entryName] = splitOnce(entry);
  const [groupKind, groupName] = splitOnce(group);
  if (entryKind === "fetch" && entryName !== "tracking") return undefined;
  if (groupKind === "do") return STAGE_OF_NAMESPACE[groupName] ?? "other";
  if (entryKind === "do") {
    // A dedupe shard's alarm flushes its outbox to the archive (R2, and the person index in D1).
    if (entryName === "DedupeObject" && ["alarm", "r2", "d1"].includes(groupKind)) return "eventsConsumer";
    return STAGE_OF_OBJECT[entryName] ?? "other";
  }
  if (entryKind === "fetch") return "ingest";
  if (entryKind === "queue") {
    const consumed = entryName.replace(/-dlq$/, "");
    if (groupKind === "queue" && groupName !== "EVENTS") return STAGE_OF_QUEUE[QUEUE_OF_BINDING[groupName]?.replace(/-dlq$/, "")] ?? "other";
    if (groupKind === "d1" && consumed !== "sluice-identity") return "stats";
    return STAGE_OF_QUEUE[consumed] ?? "other";
  }
  return "other";
}

function splitOnce(name) {
  const at = name.indexOf(":");
  return at < 0 ? [name, ""] : [name.slice(0, at), name.slice(at + 1)];
}

/** The billable units one counter group stands for. */
function unitsOf(group, counters) {
  const [kind] = splitOnce(group);
  const n = (name) => counters[name] ?? 0;
  switch (kind) {
    case "worker":
      return { workerRequests: n("requests") };
    case "queue":
      return { queueOperations: n("writeOps") };
    case "consume":
      return { queueOperations: n("readOps") + n("deleteOps") };
    case "do":
      return { doRequests: n("requests"), doGbSeconds: (n("wallMs") / 1000) * DO_BILLED_GB };
    case "alarm":
      return { doRequests: n("invocations") };
    case "sql":
      return { doRowsRead: n("rowsRead"), doRowsWritten: n("rowsWritten") };
    case "d1":
      return { d1RowsRead: n("rowsRead"), d1RowsWritten: n("rowsWritten") };
    case "r2":
      return { r2ClassA: n("classA"), r2ClassB: n("classB") };
    default:
      return {};
  }
}

function add(into, units) {
  for (const [name, value] of Object.entries(units)) if (value) into[name] = (into[name] ?? 0) + value;
}

/**
 * Sums lines into billable units per stage, plus what the run needs to know besides: queue
 * messages sent and acked (to tell when it drained), R2 bytes stored, each Durable Object's last
 * SQLite size and D1's size, and the entry points left out.
 */
export function summarizeMeterLines(lines) {
  const byStage = {};
  const sent = {};
  const acked = {};
  const retried = {};
  const consumerInvocations = {};
  const excluded = {};
  /** Raw counters per group (binding) of the lines in the event flow: calls, queries, messages. */
  const byGroup = {};
  const objectBytes = new Map();
  let r2BytesPut = 0;
  let d1SizeAfter;
  for (const line of lines) {
    for (const [group, counters] of Object.entries(line.ops)) {
      const stage = stageOf(line.entry, group);
      if (!stage) {
        excluded[line.entry] = (excluded[line.entry] ?? 0) + (group === "worker" ? counters.requests : 0);
        continue;
      }
      add((byStage[stage] ??= {}), unitsOf(group, counters));
      add((byGroup[group] ??= {}), counters);
      const [kind, name] = splitOnce(group);
      if (kind === "queue") sent[QUEUE_OF_BINDING[name] ?? name] = (sent[QUEUE_OF_BINDING[name] ?? name] ?? 0) + counters.messages;
      if (kind === "consume") {
        acked[name] = (acked[name] ?? 0) + counters.acked;
        retried[name] = (retried[name] ?? 0) + counters.retried;
        consumerInvocations[name] = (consumerInvocations[name] ?? 0) + 1;
      }
      if (kind === "r2") r2BytesPut += counters.bytesPut ?? 0;
    }
    const objectSize = line.gauges?.["sql.databaseSize"];
    if (line.object && objectSize !== undefined) objectBytes.set(line.object, { className: line.entry.slice("do:".length), bytes: objectSize });
    const d1Size = line.gauges?.["d1:DB.sizeAfter"];
    if (d1Size !== undefined) d1SizeAfter = d1Size;
  }
  const doBytesByStage = {};
  for (const { className, bytes } of objectBytes.values()) {
    const stage = STAGE_OF_OBJECT[className] ?? "other";
    doBytesByStage[stage] = (doBytesByStage[stage] ?? 0) + bytes;
  }
  return { byStage, byGroup, sent, acked, retried, consumerInvocations, excluded, r2BytesPut, doBytesByStage, d1SizeAfter };
}

/** Whether every message sent to a queue during the run was acked by its consumer. */
export function queuesDrained(summary) {
  return Object.entries(summary.sent).every(([queue, count]) => (summary.acked[queue] ?? 0) >= count);
}

/**
 * Billable units per event by stage, storage included: `storage` says what a run left stored
 * (bytes by stage, already split) and for how many months it is kept; `cpuMsPerEvent` is the
 * Worker CPU measured for one event.
 */
export function unitsPerEvent(byStage, { events, cpuMsPerEvent, storedBytesByStage, retentionMonths }) {
  const perEvent = {};
  for (const [stage, units] of Object.entries(byStage)) {
    perEvent[stage] = Object.fromEntries(Object.entries(units).map(([name, value]) => [name, value / events]));
  }
  for (const [stage, stored] of Object.entries(storedBytesByStage)) {
    const target = (perEvent[stage] ??= {});
    for (const [unit, bytes] of Object.entries(stored)) target[unit] = (target[unit] ?? 0) + (bytes / events / 1e9) * retentionMonths;
  }
  perEvent.workerCpu = { workerCpuMs: cpuMsPerEvent };
  return perEvent;
}

/** USD per million events: in all, by stage (with shares of the whole) and by billable unit. */
export function priceUnits(perEvent, prices = PRICES) {
  const byStage = {};
  const byUnit = {};
  for (const [stage, units] of Object.entries(perEvent)) {
    for (const [unit, value] of Object.entries(units)) {
      const price = prices[unit];
      if (price === undefined) throw new Error(`cost model: no price for ${unit}`);
      const usd = value * price * 1e6;
      byStage[stage] = (byStage[stage] ?? 0) + usd;
      byUnit[unit] = (byUnit[unit] ?? 0) + usd;
    }
  }
  const total = Object.values(byStage).reduce((sum, usd) => sum + usd, 0);
  const shares = Object.fromEntries(Object.entries(byStage).map(([stage, usd]) => [stage, total > 0 ? usd / total : 0]));
  return { usdPerMillionEvents: total, byStage, byUnit, shares };
}
