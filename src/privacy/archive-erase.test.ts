import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeNdjsonGzip, readNdjsonGzipLines } from "../archive/ndjson";
import { interceptBucket } from "../../test/support/workerd/bucket-seam";
import { eraseFromObject, eraseLines } from "./archive-erase";

const line = (fields: Record<string, unknown>) => JSON.stringify({ type: "track", event: "Viewed", ...fields });
const covered = new Set(["user_id:gone", "anonymous_id:gone-anon"]);

async function readLines(key: string): Promise<string[] | null> {
  const object = await env.ARCHIVE.get(key);
  if (!object) return null;
  const lines: string[] = [];
  for await (const text of readNdjsonGzipLines(object.body as ReadableStream<Uint8Array>)) lines.push(text);
  return lines;
}

const uniqueKey = () => `archive/erase-test/2026-01-01/10/${crypto.randomUUID()}.ndjson.gz`;

describe("eraseLines", () => {
  it("drops the covered people's lines by any of their identifiers and keeps every other line as it was", () => {
    // Odd spacing and key order: a kept line must not be re-serialized.
    const kept = ['{ "type":"track",  "userId":"stays", "messageId":"m1" }', line({ userId: "also-stays", properties: { note: "gone is a word" } })];
    const result = eraseLines(
      [kept[0]!, line({ userId: "gone", messageId: "m2" }), line({ anonymousId: "gone-anon", messageId: "m3" }), kept[1]!, "not json"],
      covered,
    );
    expect(result.kept).toEqual([kept[0], kept[1], "not json"]);
    expect(result.removedMessageIds).toEqual(["m2", "m3"]);
  });

  it("reads an alias's previousId as theirs", () => {
    expect(eraseLines([JSON.stringify({ type: "alias", userId: "new-id", previousId: "gone", messageId: "m" })], covered).removedMessageIds).toEqual(["m"]);
  });
});

describe("eraseFromObject (R2)", () => {
  it("rewrites the object without them under the same key, keeping its metadata; leaves an object without them untouched", async () => {
    const key = uniqueKey();
    const others = [line({ userId: "a", messageId: "1" }), line({ userId: "b", messageId: "3" })];
    await env.ARCHIVE.put(key, await encodeNdjsonGzip([others[0]!, line({ userId: "gone", messageId: "2" }), others[1]!]), {
      httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
      customMetadata: { events: "3" },
    });

    const seen: string[][] = [];
    const result = await eraseFromObject(env.ARCHIVE, key, covered, (erased) => void seen.push(erased.removedMessageIds));
    expect(result).toEqual({ outcome: "rewritten", removed: 1, removedMessageIds: ["2"], kept: 2 });
    expect(seen).toEqual([["2"]]);
    expect(await readLines(key)).toEqual(others);
    const head = await env.ARCHIVE.head(key);
    expect(head?.customMetadata).toEqual({ events: "2" });
    expect(head?.httpMetadata?.contentEncoding).toBe("gzip");

    const etag = head!.etag;
    expect(await eraseFromObject(env.ARCHIVE, key, covered)).toEqual({ outcome: "unchanged", removed: 0, removedMessageIds: [], kept: 2 });
    expect((await env.ARCHIVE.head(key))!.etag).toBe(etag);
  });

  it("deletes an object that held only them, and answers missing for an object that is gone", async () => {
    const key = uniqueKey();
    await env.ARCHIVE.put(key, await encodeNdjsonGzip([line({ userId: "gone", messageId: "1" }), line({ anonymousId: "gone-anon", messageId: "2" })]));
    expect(await eraseFromObject(env.ARCHIVE, key, covered)).toMatchObject({ outcome: "deleted", removed: 2, kept: 0 });
    expect(await env.ARCHIVE.head(key)).toBeNull();
    expect(await eraseFromObject(env.ARCHIVE, key, covered)).toMatchObject({ outcome: "missing", removed: 0 });
  });

  it("does not clobber a write that lands between its read and its write: it reads again and filters that", async () => {
    const key = uniqueKey();
    await env.ARCHIVE.put(key, await encodeNdjsonGzip([line({ userId: "a", messageId: "1" }), line({ userId: "gone", messageId: "2" })]));
    const newer = [line({ userId: "a", messageId: "1" }), line({ userId: "gone", messageId: "2" }), line({ userId: "c", messageId: "4" })];
    let puts = 0;
    // A flush re-writes the object just before the deletion's first write.
    const racing = interceptBucket(env.ARCHIVE, {
      put: async (put, ...args) => {
        if (++puts === 1) await put(key, await encodeNdjsonGzip(newer));
        return put(...args);
      },
    });
    expect(await eraseFromObject(racing, key, covered)).toMatchObject({ outcome: "rewritten", removed: 1, kept: 2 });
    expect(puts).toBe(2);
    expect(await readLines(key)).toEqual([newer[0], newer[2]]);
  });
});
