// CPU time of one process group (a dev server: node, wrangler, workerd) from Linux's /proc, so a
// section can charge work to the server alone: other processes on the machine (another test run,
// the bench's own sender and receiver) do not count, unlike wall-clock throughput.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { liveProcessStats } from "./proc-stat.mjs";
import { sleep } from "./stats.mjs";

/** Clock ticks per second, the unit of /proc/<pid>/stat's utime and stime (100 nearly everywhere). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system) of this process's children that have exited and been waited for, and
 * of theirs: a child's whole tree, read around running it to completion. NaN off Linux.
 */
export function childrenCpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // After the command name: … cutime (14th) and cstime (15th) fields, in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Whether this machine can answer (Linux with /proc). */
export function canReadProcessCpu() {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

/**
 * Milliseconds of CPU (user + system) the live processes of `group` have used so far. A process
 * that exits takes its time with it, so read it around work done by long-lived processes only.
 */
export function groupCpuMs(group) {
  return Object.values(groupCpuMsByCommand(group)).reduce((sum, ms) => sum + ms, 0);
}

/** The same, by command name (a dev server's `workerd` runs the Worker; `node` is wrangler). */
export function groupCpuMsByCommand(group) {
  const byCommand = {};
  for (const { command, fields } of liveProcessStats()) {
    if (Number(fields[2]) !== group) continue;
    byCommand[command] = (byCommand[command] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  }
  return byCommand;
}

/** This process's live children named `name` (their command, as in /proc/<pid>/stat): e.g. the workerd a Miniflare started. */
export function childProcessIds(name) {
  const pids = [];
  for (const { pid, command, fields } of liveProcessStats()) {
    if (command === name && Number(fields[1]) === process.pid) pids.push(pid);
  }
  return pids;
}

/** Milliseconds of CPU (user + system) the live processes `pids` have used so far. */
export function processesCpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Waits until `group` uses less than `quietCores` of a core over a window of `windowMs`: the work
 * a burst left behind (queues, Durable Objects) is done. Answers when that window began, the CPU
 * time then, and the idle rate seen in the window (ms of CPU per ms), to subtract from a later
 * measurement; false for `quiet` if it never settled within `timeoutMs`. `cpuMs` reads another
 * set of processes instead (processesCpuMs).
 */
export async function waitUntilQuiet(group, { quietCores = 0.05, windowMs = 1_000, timeoutMs = 120_000, cpuMs: readCpuMs = () => groupCpuMs(group) } = {}) {
  const deadline = performance.now() + timeoutMs;
  let at = performance.now();
  let cpuMs = readCpuMs();
  for (;;) {
    await sleep(windowMs);
    const nowAt = performance.now();
    const nowCpuMs = readCpuMs();
    const rate = (nowCpuMs - cpuMs) / (nowAt - at);
    if (rate < quietCores) return { quiet: true, at, cpuMs, idleRate: rate };
    if (nowAt > deadline) return { quiet: false, at: nowAt, cpuMs: nowCpuMs, idleRate: 0 };
    at = nowAt;
    cpuMs = nowCpuMs;
  }
}
