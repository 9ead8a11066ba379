// A closed-loop load generator on node:http with keep-alive connections: `concurrency` workers,
// each sending its next POST as soon as the previous one answered, for a fixed duration. Cheaper
// per request than fetch (undici), so on a 2-core machine the sender takes less CPU from the
// server it measures; the same sender for every target keeps the comparison fair.
import { Agent, request } from "node:http";

/** One POST, body drained; its status (or "network") and latency in ms. */
function post(agent, target, headers, body) {
  return new Promise((resolve) => {
    const start = performance.now();
    const outgoing = request({ ...target, method: "POST", agent, headers: { ...headers, "Content-Length": Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode, ms: performance.now() - start }));
      response.on("error", () => resolve({ status: "network", ms: performance.now() - start }));
    });
    outgoing.on("error", () => resolve({ status: "network", ms: performance.now() - start }));
    outgoing.end(body);
  });
}

/**
 * POSTs `nextBody()` to `url` from `concurrency` connections for `durationMs`. Latencies of the
 * 200s; other answers counted by status. The run ends when the last request started in time has
 * answered, and the rate is over that whole time.
 */
export async function postForDuration(url, { headers, nextBody, concurrency, durationMs }) {
  const { hostname, port, pathname, search } = new URL(url);
  const target = { hostname, port, path: `${pathname}${search}` };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const failures = {};
  const start = performance.now();
  const deadline = start + durationMs;
  async function worker() {
    while (performance.now() < deadline) {
      const { status, ms } = await post(agent, target, headers, nextBody());
      if (status === 200) latencies.push(ms);
      else failures[status] = (failures[status] ?? 0) + 1;
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { latencies, failures, wallMs: performance.now() - start };
}
