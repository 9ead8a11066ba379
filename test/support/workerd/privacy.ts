import { env } from "cloudflare:workers";
import { readNdjsonGzipLines } from "../../../src/archive/ndjson";
import type { Regulation, RegulationType } from "../../../src/privacy/regulation";
import { startRegulationJob } from "../../../src/privacy/regulation-job";
import { RegulationStore } from "../../../src/privacy/regulation-store";
import { waitUntil } from "../wait-until";

/** Every archive object under `prefix` with its lines as stored (decompressed, each exactly as written). */
export async function rawArchive(prefix: string): Promise<Map<string, string[]>> {
  const objects = new Map<string, string[]>();
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix, cursor });
    for (const { key } of page.objects) {
      const object = await env.ARCHIVE.get(key);
      if (!object) continue;
      const lines: string[] = [];
      for await (const line of readNdjsonGzipLines(object.body as ReadableStream<Uint8Array>)) lines.push(line);
      objects.set(key, lines);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return objects;
}

/** Creates a regulation as the Regulations API would (its covered keys given), and starts its job. */
export async function startRegulation(regulationType: RegulationType, subjectIds: string[], covered: string[]): Promise<Regulation> {
  const regulation = await new RegulationStore(env.DB).create({ regulationType, subjectIds, covered, now: new Date() });
  await startRegulationJob(env, regulation);
  return regulation;
}

/** Waits until a regulation has ended (FINISHED, PARTIAL_SUCCESS or FAILED) and answers it as D1 holds it. */
export async function waitForRegulation(id: string, timeoutMs = 30_000): Promise<Regulation> {
  const store = new RegulationStore(env.DB);
  const ended = await waitUntil(
    `regulation ${id} to end`,
    () => store.get(id),
    (regulation) => regulation !== null && !["INITIALIZED", "RUNNING"].includes(regulation.status),
    { timeoutMs, describe: (regulation) => JSON.stringify(regulation?.progress) },
  );
  return ended!;
}
