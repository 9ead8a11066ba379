// A closed-loop load generator: a fixed number of workers, each sending its next request as soon
// as the previous one answered. The request count is fixed (not the duration), so every run does
// the same work and the numbers compare across runs.
import { quantile } from "./stats.mjs";

/**
 * Sends one request and drains its body, so the keep-alive connection goes back to the pool
 * before the clock stops. Returns the status, or "network" when no answer came.
 */
async function timedRequest({ url, init }) {
  const start = performance.now();
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - start };
  } catch {
    return { status: "network", ms: performance.now() - start };
  }
}

/**
 * Sends `requests[i]` for every i with `concurrency` in flight. Latencies are kept for 200s only;
 * anything else is counted by status instead of stopping the run, so a server bug shows up in
 * the summary next to the numbers it distorts.
 */
export async function runLoad(requests, concurrency) {
  const latencies = [];
  const failures = {};
  let next = 0;
  async function worker() {
    while (next < requests.length) {
      const { status, ms } = await timedRequest(requests[next++]);
      if (status === 200) latencies.push(ms);
      else failures[status] = (failures[status] ?? 0) + 1;
    }
  }
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  return { latencies, failures, wallMs: performance.now() - start };
}

/** p50/p95 latency of the 200s, and how many 200s per second the run got through. */
export function summarizeLoad({ latencies, failures, wallMs }) {
  return {
    ok: latencies.length,
    failures,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
    okPerSec: latencies.length / (wallMs / 1000),
  };
}
