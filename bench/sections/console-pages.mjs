// Section `consolePages`: how long the console's server-rendered pages take to answer, signed
// in, on a server that holds a source with events (the debugger section's). Sequential GETs, so
// each number is one page's own cost; the bar is under a second locally.
import { DEV } from "../lib/client.mjs";
import { log, quantile, round } from "../lib/stats.mjs";

const LOADS_PER_PAGE = 30;

async function signIn(baseUrl) {
  const response = await fetch(`${baseUrl}/console/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ token: DEV.adminToken }),
  });
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith("sluice_session="));
  if (response.status !== 303 || !cookie) throw new Error(`console sign-in answered ${response.status}`);
  return cookie.split(";")[0];
}

export async function benchConsolePages(baseUrl, sourceId) {
  const cookie = await signIn(baseUrl);
  const source = encodeURIComponent(sourceId);
  const pages = {
    overview: "/console",
    sources: "/console/sources",
    source: `/console/sources/${source}`,
    debugger: `/console/sources/${source}/debugger`,
    schema: `/console/schema/${source}`,
    trackingPlans: "/console/tracking-plans",
    destinations: "/console/destinations",
    profiles: "/console/profiles",
    replays: "/console/replays",
    apiReference: "/api/v1/docs",
  };
  const p50Ms = {};
  for (const [name, path] of Object.entries(pages)) {
    const times = [];
    for (let i = 0; i < LOADS_PER_PAGE; i++) {
      const start = performance.now();
      const response = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      times.push(performance.now() - start);
    }
    p50Ms[name] = round(quantile(times, 0.5));
  }
  const slowest = Object.entries(p50Ms).sort((a, b) => b[1] - a[1])[0];
  log(`consolePages: p50 per page ${JSON.stringify(p50Ms)}; slowest ${slowest[0]} at ${slowest[1]} ms`);
  return { loadsPerPage: LOADS_PER_PAGE, p50Ms, slowestPageP50Ms: slowest[1] };
}
