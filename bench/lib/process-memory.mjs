// Resident memory of a dev server's processes from Linux's /proc, split the way the kernel counts
// it: anonymous (heaps: V8's, SQLite's page caches) and mapped (files and shared memory: each open
// SQLite database in WAL mode maps its 32 KB `-shm` index).
import { readFileSync } from "node:fs";
import { liveProcessStats } from "./proc-stat.mjs";

/** The live processes of process group `group`: pid and command name. */
export function groupProcesses(group) {
  const found = [];
  for (const { pid, command, fields } of liveProcessStats()) if (Number(fields[2]) === group) found.push({ pid, command });
  return found;
}

/** Resident bytes of process `pid`: all (VmRSS), anonymous (RssAnon), and mapped files and shared memory (RssFile + RssShmem). */
export function residentBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib("VmRSS"), anon: kib("RssAnon"), mapped: kib("RssFile") + kib("RssShmem") };
}
