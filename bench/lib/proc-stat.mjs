// The live processes of this machine as Linux's /proc/<pid>/stat lists them, read once per call
// by the CPU and memory readers (process-cpu.mjs, process-memory.mjs).
import { readdirSync, readFileSync } from "node:fs";

/**
 * Each live process: its pid, command name and the stat fields after the command (in parentheses,
 * which may hold spaces): `fields[0]` is the state, then ppid, pgrp, … utime (11) and stime (12).
 */
export function* liveProcessStats() {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone since the listing
    }
    const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    yield { pid: Number(entry), command, fields };
  }
}
