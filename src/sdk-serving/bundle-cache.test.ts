import { describe, expect, it } from "vitest";
import { getBuiltBundle, matchesIfNoneMatch, strongEtagOf } from "./bundle-cache";

describe("built bundles", () => {
  it("builds once per key, with a strong ETag of the exact body", async () => {
    let builds = 0;
    const key = `test-${crypto.randomUUID()}`;
    const first = await getBuiltBundle(key, () => `body ${++builds}`);
    const second = await getBuiltBundle(key, () => `body ${++builds}`);
    expect(builds).toBe(1);
    expect(second).toBe(first);
    expect(first.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.etag).toBe(await strongEtagOf("body 1"));
    expect(await strongEtagOf("body 2")).not.toBe(first.etag);
  });

  it("matches If-None-Match lists, weak forms and *", () => {
    expect(matchesIfNoneMatch('"abc"', '"abc"')).toBe(true);
    expect(matchesIfNoneMatch('"x", W/"abc"', '"abc"')).toBe(true);
    expect(matchesIfNoneMatch("*", '"abc"')).toBe(true);
    expect(matchesIfNoneMatch('"abd"', '"abc"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"abc"')).toBe(false);
  });
});
