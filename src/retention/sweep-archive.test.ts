import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveKey, sourcePrefix } from "../archive/archive-key";
import { SourceStore } from "../sources/source-store";
import { sweepArchiveRetention, sweepSources } from "./sweep-archive";

/** The sweep against the real R2 and D1 bindings, with a fixed `now`. */

const NOW = new Date("2026-03-10T12:30:00Z");

/** Puts one object per partition (`YYYY-MM-DD/HH`) and two index rows per object; answers the keys. */
async function putArchive(sourceId: string, partitions: readonly string[]): Promise<string[]> {
  const keys = partitions.map((partition, index) => archiveKey(sourceId, partition, `s${String(index).padStart(2, "0")}-000000000001`));
  await Promise.all(keys.map((key) => env.ARCHIVE.put(key, "x", { customMetadata: { events: "1" } })));
  await indexRows(keys);
  return keys;
}

async function indexRows(keys: readonly string[]): Promise<void> {
  await env.DB.batch(
    keys.flatMap((key) => ["hash-a", "hash-b"].map((hash) => env.DB.prepare("INSERT INTO archive_index (key_hash, object_key) VALUES (?, ?)").bind(hash, key))),
  );
}

async function storedKeys(sourceId: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: sourcePrefix(sourceId), cursor });
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

async function indexedKeys(sourceId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT object_key, COUNT(*) AS n FROM archive_index WHERE object_key LIKE ? GROUP BY object_key ORDER BY object_key",
  )
    .bind(`${sourcePrefix(sourceId)}%`)
    .all<{ object_key: string; n: number }>();
  for (const row of results) expect(row.n, row.object_key).toBe(2);
  return results.map((row) => row.object_key);
}

const newSource = (retentionDays?: number) => new SourceStore(env.DB).create("Retention", NOW, { retentionDays: retentionDays ?? null });

describe("the archive retention sweep", () => {
  it("deletes exactly the hours that ended before now − retention, with their index rows; other sources keep theirs", async () => {
    // Two days' retention at 12:30 on the 10th: hours that ended by 12:30 on the 8th expire, so
    // the first one kept is 2026-03-08/12.
    const short = await newSource(2);
    const expired = await putArchive(short.id, ["2026-02-27/05", "2026-03-01/05", "2026-03-07/00", "2026-03-07/23", "2026-03-08/00", "2026-03-08/11"]);
    const kept = await putArchive(short.id, ["2026-03-08/12", "2026-03-08/23", "2026-03-09/00", "2026-03-10/12"]);
    // An index row whose object an interrupted run already deleted goes too.
    await indexRows([archiveKey(short.id, "2026-03-05/03", "gone")]);

    const month = await newSource(30);
    const monthExpired = await putArchive(month.id, ["2026-01-01/00", "2026-02-08/11"]);
    const monthKept = await putArchive(month.id, ["2026-02-08/12", "2026-03-01/05"]);
    const unlimited = await newSource();
    const forever = await putArchive(unlimited.id, ["2020-01-01/00", "2026-03-01/05"]);

    const summary = await sweepArchiveRetention(env.DB, env.ARCHIVE, NOW);
    expect(summary.complete).toBe(true);
    expect(summary.sources.find((source) => source.sourceId === short.id)).toEqual({
      sourceId: short.id,
      retentionDays: 2,
      firstKept: "2026-03-08/12",
      deleted: expired.length,
      complete: true,
    });
    expect(summary.sources.find((source) => source.sourceId === month.id)).toMatchObject({ firstKept: "2026-02-08/12", deleted: monthExpired.length });
    expect(summary.sources.map((source) => source.sourceId)).not.toContain(unlimited.id);

    expect(await storedKeys(short.id)).toEqual(kept.sort());
    expect(await indexedKeys(short.id)).toEqual(kept.sort());
    expect(await storedKeys(month.id)).toEqual(monthKept.sort());
    expect(await indexedKeys(month.id)).toEqual(monthKept.sort());
    expect(await storedKeys(unlimited.id)).toEqual(forever.sort());
    expect(await indexedKeys(unlimited.id)).toEqual(forever.sort());

    // Idempotent: a second run at the same time finds nothing more to delete.
    const again = await sweepSources(env.DB, env.ARCHIVE, [{ id: short.id, retentionDays: 2 }], NOW);
    expect(again).toMatchObject({ deleted: 0, complete: true });
    expect(await storedKeys(short.id)).toEqual(kept.sort());

    // An hour later the next hour has expired too.
    const later = await sweepSources(env.DB, env.ARCHIVE, [{ id: short.id, retentionDays: 2 }], new Date("2026-03-10T13:00:00Z"));
    expect(later).toMatchObject({ deleted: 1, complete: true });
    expect(await storedKeys(short.id)).toEqual(kept.slice(1).sort());
    expect(await indexedKeys(short.id)).toEqual(kept.slice(1).sort());
  });

  it("does bounded work per run and the next run goes on where it stopped", async () => {
    const source = await newSource(1);
    const expired = await putArchive(source.id, [
      "2026-03-01/00",
      "2026-03-01/00",
      "2026-03-01/01",
      "2026-03-08/09",
      "2026-03-09/03",
      "2026-03-09/11",
      "2026-03-09/11",
    ]);
    const kept = await putArchive(source.id, ["2026-03-09/12", "2026-03-10/00"]);
    const retained = [{ id: source.id, retentionDays: 1 }];
    const options = { maxDeletes: 3, pageSize: 2 };

    const runs: { deleted: number; complete: boolean }[] = [];
    for (let run = 0; run < 4; run += 1) {
      const { deleted, complete } = await sweepSources(env.DB, env.ARCHIVE, retained, NOW, options);
      runs.push({ deleted, complete });
      const left = await storedKeys(source.id);
      // Always the oldest first, and never a row without its object or an object without its row.
      expect(left).toEqual([...expired.slice(Math.min(expired.length, (run + 1) * 3)), ...kept].sort());
      expect(await indexedKeys(source.id)).toEqual(left);
    }
    expect(runs).toEqual([
      { deleted: 3, complete: false },
      { deleted: 3, complete: false },
      { deleted: 1, complete: true },
      { deleted: 0, complete: true },
    ]);
  });

  it("sources take turns going first when a run's budget cannot cover them all", async () => {
    const first = await newSource(1);
    const second = await newSource(1);
    await putArchive(first.id, ["2026-03-01/00", "2026-03-01/01"]);
    await putArchive(second.id, ["2026-03-01/00", "2026-03-01/01"]);
    const retained = [
      { id: first.id, retentionDays: 1 },
      { id: second.id, retentionDays: 1 },
    ];
    const hour = (n: number) => new Date(Date.UTC(2026, 2, 10, n, 30));
    const ran = [] as string[][];
    for (const n of [0, 1]) {
      const summary = await sweepSources(env.DB, env.ARCHIVE, retained, hour(n), { maxDeletes: 1 });
      ran.push(summary.sources.map((source) => source.sourceId));
    }
    expect(ran.map((sources) => sources.length)).toEqual([1, 1]);
    expect(ran.flat().sort()).toEqual([first.id, second.id].sort());
    expect(await storedKeys(first.id)).toHaveLength(1);
    expect(await storedKeys(second.id)).toHaveLength(1);
  });
});
