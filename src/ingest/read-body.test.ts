import { describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error";
import { readJsonBody } from "./read-body";

async function gzip(text: string): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
}

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("https://sluice.test/v1/t", { method: "POST", body, headers });

describe("readJsonBody", () => {
  it("parses JSON whatever the content type", async () => {
    expect(await readJsonBody(post('{"a":1}', { "content-type": "text/plain" }), 1000)).toEqual({ a: 1 });
  });

  it("inflates gzip bodies", async () => {
    const body = await gzip('{"userId":"u"}');
    expect(await readJsonBody(post(body, { "content-encoding": "gzip" }), 1000)).toEqual({ userId: "u" });
  });

  it("stops at the limit of decoded bytes, so a gzip bomb is refused", async () => {
    const bomb = await gzip(JSON.stringify({ pad: "0".repeat(2_000_000) }));
    expect(bomb.byteLength).toBeLessThan(10_000);
    await expect(readJsonBody(post(bomb, { "content-encoding": "gzip" }), 500 * 1024)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("500 KB") as string,
    });
  });

  it("reads a plain body by its Content-Length, and refuses one that declares more than the limit", async () => {
    const body = JSON.stringify({ userId: "u", city: "Zürich" });
    const length = String(new TextEncoder().encode(body).byteLength);
    expect(await readJsonBody(post(body, { "content-length": length }), 1000)).toEqual({ userId: "u", city: "Zürich" });
    await expect(readJsonBody(post(body, { "content-length": length }), 10)).rejects.toMatchObject({ status: 400 });
    // A caller inside the runtime can declare less than it sends: still held to the limit.
    await expect(readJsonBody(post("x".repeat(2000), { "content-length": "5" }), 1000)).rejects.toMatchObject({ status: 400 });
  });

  it("explains malformed JSON, corrupt gzip and unknown encodings", async () => {
    await expect(readJsonBody(post("{nope"), 1000)).rejects.toBeInstanceOf(ApiError);
    await expect(readJsonBody(post("not gzip", { "content-encoding": "gzip" }), 1000)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("gzip") as string,
    });
    await expect(readJsonBody(post("{}", { "content-encoding": "br" }), 1000)).rejects.toMatchObject({ status: 415 });
  });
});
