// Section `fql`: destination-filter conditions (src/filters/fql.ts parses, fql-evaluate.ts
// evaluates) on realistic accepted events, in-process in Node, each against the same predicate
// written by hand in JavaScript over the same events: the ratio is what interpreting FQL costs.
// Queries are parsed once and evaluated many times, as the delivery fan-out does per consumer
// batch. A 5 KB `or` chain (Segment's size cap) gives the worst case an admin can save, and
// hostile queries (deep nesting, long globs and substrings against a 32 KB value) what a filter
// can cost at most, against a simple equality parsed and evaluated in the same run (the test
// suite checks only that they are bounded and answer right).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { browserEvent } from "../lib/events.mjs";
import { eventsPerSecond, log, median, ratio, round } from "../lib/stats.mjs";

const FQL_TS = fileURLToPath(new URL("../../src/filters/fql.ts", import.meta.url));
const EVENTS = 100;
const WARMUP_MS = 200;
const ROUNDS = 7;
const ROUND_MS = 150;

/**
 * Representative conditions, each with the hand-written predicate a developer would put in its
 * place. The escaped path reads a Mixpanel-style property (`$os name`) added to the events below.
 */
const EXPRESSIONS = [
  {
    name: "equality",
    query: "event = 'Product Viewed'",
    handWritten: (event) => event.event === "Product Viewed",
  },
  {
    name: "andOrMatch",
    query: "type = 'track' and ( event = 'Order Completed' or match( context.page.path, '/products/*' ) )",
    handWritten: (event) =>
      event.type === "track" &&
      (event.event === "Order Completed" || (typeof event.context?.page?.path === "string" && event.context.page.path.startsWith("/products/"))),
  },
  {
    name: "functions",
    query: "contains( lowercase( context.userAgent ), 'chrome' ) and length( userId ) > 0 and typeof( properties.price ) = 'number'",
    handWritten: (event) =>
      typeof event.context?.userAgent === "string" &&
      event.context.userAgent.toLowerCase().includes("chrome") &&
      typeof event.userId === "string" &&
      event.userId.length > 0 &&
      typeof event.properties?.price === "number",
  },
  {
    name: "escapedPath",
    query: "properties.\\$os\\ name = 'Mac OS X'",
    handWritten: (event) => event.properties?.["$os name"] === "Mac OS X",
  },
];

/** Queries built to cost the most within the 5 KB cap, each parsed and evaluated on HOSTILE_EVENT. */
const hostileQueries = (maxBytes) => ({
  openParentheses: "(".repeat(maxBytes),
  bangs: "!".repeat(maxBytes),
  openBrackets: "[".repeat(maxBytes),
  escapedFieldName: "\\".repeat(maxBytes),
  backslashString: `'${"\\".repeat(maxBytes - 2)}'`,
  missingFieldOrChain: `${"properties.missing = 1 or ".repeat(190)}true`,
  globManyStarsNoMatch: `match(properties.text, '${"*a".repeat(2480)}*b')`,
  globManyStars: `match(properties.text, '${"*a".repeat(2480)}*')`,
  globLongestRun: `match(properties.text, '*${"a".repeat(63)}b*')`,
  longContains: `contains(properties.text, '${"a".repeat(4950)}b')`,
});
const HOSTILE_EVENT = { properties: { text: "a".repeat(32 * 1024) } };

/** Keeps every result alive, so V8 cannot drop a predicate whose answer nobody reads. */
let sink = 0;

/** Bundles fql.ts (which re-exports the evaluator) into a temp ESM file and imports it. */
async function importFql(outDir) {
  const outfile = join(outDir, "fql.mjs");
  await build({ entryPoints: [FQL_TS], bundle: true, format: "esm", platform: "neutral", target: "es2022", outfile, logLevel: "error" });
  return import(pathToFileURL(outfile).href);
}

/** Events as the EVENTS consumer hands them to fan-out: accepted, with the server's fields. */
function acceptedEvents() {
  const now = new Date().toISOString();
  return Array.from({ length: EVENTS }, (_, index) => {
    const event = browserEvent(index, "bench-fql");
    const properties = event.properties ? { ...event.properties, "$os name": index % 4 === 0 ? "Windows" : "Mac OS X" } : undefined;
    return { ...event, ...(properties ? { properties } : {}), projectId: "dev_website", receivedAt: now, timestamp: now };
  });
}

/** The longest `event = '…' or …` chain that fits Segment's 5 KB cap. */
function longOrChain(maxBytes) {
  let query = "";
  for (let terms = 0; ; terms += 1) {
    const next = `${query}${terms > 0 ? " or " : ""}event = 'Checkout Step ${terms} Completed'`;
    if (Buffer.byteLength(next) > maxBytes) return { query, terms };
    query = next;
  }
}

/** FQL and hand-written rates of one predicate, alternating round by round so drift hits both alike. */
function measurePair(fqlWork, handWork, batchSize) {
  eventsPerSecond(fqlWork, WARMUP_MS, batchSize);
  eventsPerSecond(handWork, WARMUP_MS, batchSize);
  const fql = [];
  const hand = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    fql.push(eventsPerSecond(fqlWork, ROUND_MS, batchSize));
    hand.push(eventsPerSecond(handWork, ROUND_MS, batchSize));
  }
  return { fql: median(fql), hand: median(hand) };
}

/** Evaluations per second over the whole set when each expression runs equally often. */
const harmonicRate = (rates) => rates.length / rates.reduce((sum, rate) => sum + 1 / rate, 0);

export async function benchFql() {
  const outDir = await mkdtemp(join(tmpdir(), "sluice-bench-fql-"));
  try {
    const { parseFql, evaluateFql, MAX_FQL_BYTES } = await importFql(outDir);
    const events = acceptedEvents();
    const parse = (query) => {
      const parsed = parseFql(query);
      if (!parsed.ok) throw new Error(`bench fql: ${query} does not parse: ${parsed.error}`);
      return parsed.expression;
    };

    const expressions = {};
    const fqlRates = [];
    const handRates = [];
    for (const { name, query, handWritten } of EXPRESSIONS) {
      const expression = parse(query);
      // Both sides must agree on every event, or the comparison measures two different things.
      let matches = 0;
      for (const event of events) {
        const answer = evaluateFql(expression, event);
        if (answer !== handWritten(event))
          throw new Error(`bench fql: ${name}: FQL says ${answer}, the hand-written predicate ${handWritten(event)} for ${event.messageId}`);
        if (answer) matches += 1;
      }
      const rates = measurePair(
        () => {
          for (const event of events) if (evaluateFql(expression, event) === true) sink += 1;
        },
        () => {
          for (const event of events) if (handWritten(event)) sink += 1;
        },
        events.length,
      );
      log(`fql: ${name}: ${round(rates.fql, 0)} evaluations/s, hand-written ${round(rates.hand, 0)}/s`);
      fqlRates.push(rates.fql);
      handRates.push(rates.hand);
      expressions[name] = {
        query,
        matches,
        evaluationsPerSecond: round(rates.fql, 0),
        handWrittenPerSecond: round(rates.hand, 0),
        fqlVsHandWrittenRatio: ratio(rates.hand, rates.fql),
      };
    }

    // Hostile but valid: the largest query saving accepts. Its parse is paid once per consumer
    // batch (load-destinations.ts compiles filters per batch); its evaluation, once per event,
    // tries every term because none matches.
    const long = longOrChain(MAX_FQL_BYTES);
    const longExpression = parse(long.query);
    eventsPerSecond(() => parseFql(long.query), WARMUP_MS, 1);
    const longParses = median(Array.from({ length: ROUNDS }, () => eventsPerSecond(() => parseFql(long.query), ROUND_MS, 1)));
    const longEvaluate = () => {
      for (const event of events) if (evaluateFql(longExpression, event) === true) sink += 1;
    };
    eventsPerSecond(longEvaluate, WARMUP_MS, events.length);
    const longEvaluations = median(Array.from({ length: ROUNDS }, () => eventsPerSecond(longEvaluate, ROUND_MS, events.length)));
    log(`fql: ${Buffer.byteLength(long.query)}-byte or chain: ${round(longParses, 0)} parses/s, ${round(longEvaluations, 0)} evaluations/s`);

    // Hostile queries: milliseconds to parse and evaluate each once, as a fresh filter costs.
    const parseAndEvaluate = (query) => () => {
      const parsed = parseFql(query);
      if (parsed.ok && evaluateFql(parsed.expression, HOSTILE_EVENT) === true) sink += 1;
    };
    const millisecondsOf = (work) => {
      eventsPerSecond(work, WARMUP_MS / 4, 1);
      return median(Array.from({ length: ROUNDS }, () => 1000 / eventsPerSecond(work, ROUND_MS / 3, 1)));
    };
    const simpleMs = millisecondsOf(parseAndEvaluate("properties.text = 'a'"));
    const hostile = {};
    let hostileWorstMs = 0;
    for (const [name, query] of Object.entries(hostileQueries(MAX_FQL_BYTES))) {
      if (Buffer.byteLength(query) > MAX_FQL_BYTES) throw new Error(`bench fql: hostile query ${name} is over ${MAX_FQL_BYTES} bytes`);
      const ms = millisecondsOf(parseAndEvaluate(query));
      hostile[name] = round(ms, 3);
      hostileWorstMs = Math.max(hostileWorstMs, ms);
    }
    log(`fql: hostile queries on a 32 KB value: worst ${round(hostileWorstMs, 2)} ms, a simple equality ${round(simpleMs, 4)} ms`);

    const fqlOverall = harmonicRate(fqlRates);
    const handOverall = harmonicRate(handRates);
    return {
      events: events.length,
      rounds: ROUNDS,
      expressions,
      evaluationsPerSecond: round(fqlOverall, 0),
      handWrittenEvaluationsPerSecond: round(handOverall, 0),
      fqlVsHandWrittenRatio: ratio(handOverall, fqlOverall),
      longQueryBytes: Buffer.byteLength(long.query),
      longQueryTerms: long.terms,
      longQueryParsesPerSecond: round(longParses, 0),
      longQueryEvaluationsPerSecond: round(longEvaluations, 0),
      hostileMs: hostile,
      hostileWorstMs: round(hostileWorstMs, 3),
      simpleParseAndEvaluateMs: round(simpleMs, 4),
      hostileWorstVsSimpleRatio: ratio(hostileWorstMs, simpleMs, 0),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
