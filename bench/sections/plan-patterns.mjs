// Part of section `plan`: what a tracking plan's `pattern` can cost on one 32 KB string property,
// through the validator the EVENTS consumer runs (src/protocols/json-schema-violations.ts, patterns
// in re2js). Hostile patterns are the costliest shapes saving accepts (checked here with
// checkPlanRules), each on the value that hurts it most; a simple pattern on a value of the same
// size is the baseline. The test suite checks only that they answer right.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { log, median, ratio, round } from "../lib/stats.mjs";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const VALUE_LENGTH = 32 * 1024;
const RUNS = 5;

/** `a` and `b` in no order a DFA could exploit, a different string per seed. */
function scrambledAb(length, seed) {
  let value = "";
  for (let i = 0; i < length; i += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    value += (seed >> 16) & 1 ? "a" : "b";
  }
  return value;
}

const as = () => `${"a".repeat(VALUE_LENGTH - 1)}!`;
const words = () => `${"ab ".repeat(Math.floor((VALUE_LENGTH - 1) / 3))}!`;
// A new value each run: RE2's DFA caches the states one value visits, so a repeated value would
// measure the cache, not what the next hostile value costs.
const ab = (run) => scrambledAb(VALUE_LENGTH, 12345 + run);

/** Pattern and value per run; the first three backtrack for ages in JavaScript, the last two overflow RE2's DFA. */
const HOSTILE = {
  alternationStar: ["^(a|a)*$", as],
  nestedPlus: ["^(a+)+$", as],
  wordsAndSpaces: ["^(\\w+\\s?)*$", words],
  dfaBlowup: ["[ab]*a[ab]{190}$", ab],
  dfaBlowupShort: ["(a|b)*a(a|b){20}$", ab],
};
const SIMPLE = ["^[a-z]+$", as];

async function importValidator(outDir) {
  const outfile = join(outDir, "plan-patterns.mjs");
  await build({
    stdin: {
      contents: 'export { compileEventSchema } from "./protocols/json-schema-violations"; export { checkPlanRules } from "./protocols/check-rules";',
      resolveDir: SRC,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile,
    logLevel: "error",
  });
  return import(pathToFileURL(outfile).href);
}

export async function benchPlanPatterns() {
  const outDir = await mkdtemp(join(tmpdir(), "sluice-bench-plan-patterns-"));
  try {
    const { compileEventSchema, checkPlanRules } = await importValidator(outDir);
    /** Milliseconds to validate an event whose one property is `valueOf(run)` against `pattern`, median of RUNS after one warm-up. */
    const millisecondsOf = (name, pattern, valueOf) => {
      const jsonSchema = { type: "object", properties: { properties: { type: "object", properties: { text: { type: "string", pattern } } } } };
      const problems = checkPlanRules([{ type: "TRACK", key: "Bench", version: 1, jsonSchema }]);
      if (problems.length > 0) throw new Error(`bench plan: ${name}: saving would refuse ${pattern}: ${problems.join(" ")}`);
      const validate = compileEventSchema(jsonSchema);
      validate({ properties: { text: valueOf(-1) } });
      const times = [];
      for (let run = 0; run < RUNS; run += 1) {
        const event = { properties: { text: valueOf(run) } };
        const start = performance.now();
        validate(event);
        times.push(performance.now() - start);
      }
      return median(times);
    };
    const simpleMs = millisecondsOf("simple", ...SIMPLE);
    const hostile = {};
    let worstMs = 0;
    for (const [name, [pattern, valueOf]] of Object.entries(HOSTILE)) {
      const ms = millisecondsOf(name, pattern, valueOf);
      hostile[name] = { pattern, ms: round(ms, 2) };
      worstMs = Math.max(worstMs, ms);
    }
    log(`plan: patterns on a 32 KB value: worst ${round(worstMs, 1)} ms, ${SIMPLE[0]} ${round(simpleMs, 2)} ms`);
    return {
      hostilePatterns: hostile,
      hostilePatternMsPer32KbValue: round(worstMs, 2),
      simplePatternMsPer32KbValue: round(simpleMs, 3),
      hostileVsSimplePatternRatio: ratio(worstMs, simpleMs, 0),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
