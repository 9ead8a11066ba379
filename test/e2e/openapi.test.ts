import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import { default as addFormats } from "ajv-formats";
import { describe, expect, it } from "vitest";
import { adminFetch, baseUrl, DEV } from "./support/sluice";

/**
 * The description a user's tooling reads: `npm run dev` serves an OpenAPI document that a
 * standard parser validates, and clients that do not label their JSON (curl -d, fetch with a
 * string) are still understood.
 */

type Document = { openapi: string; servers: { url: string }[]; paths: Record<string, object>; components: { schemas: Record<string, object> } };

async function fetchDocument(): Promise<Document> {
  const response = await fetch(`${baseUrl()}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

describe("the API description on wrangler dev", () => {
  it("validates with a standard OpenAPI parser and names this host as its server", async () => {
    const document = await fetchDocument();
    // The parser dereferences in place: give it its own copy.
    const validated = await SwaggerParser.validate(structuredClone(document) as never);
    expect((validated as { openapi?: string }).openapi).toBe("3.1.0");
    expect(document.servers[0]!.url).toBe(baseUrl());
    expect(Object.keys(document.paths)).toContain("/api/v1/filters/preview");
  });

  it("has component schemas a JSON Schema 2020-12 validator compiles", async () => {
    const document = await fetchDocument();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "openapi.json", components: document.components });
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => ajv.getSchema(`openapi.json#/components/schemas/${name}`), name).not.toThrow();
    }
    const source = ajv.getSchema("openapi.json#/components/schemas/Source")!;
    const answer = (await (await adminFetch(`/api/v1/sources/${DEV.sourceId}`)).json()) as { source: unknown };
    expect(source(answer.source), JSON.stringify(source.errors)).toBe(true);
  });

  it("serves the reference page", async () => {
    const response = await fetch(`${baseUrl()}/api/v1/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("/api/v1/sources/{id}/schema");
  });
});

describe("admin bodies whatever their Content-Type", () => {
  it("reads a curl -d body (form-urlencoded) and a fetch string body (text/plain) as JSON", async () => {
    for (const contentType of [
      "application/x-www-form-urlencoded",
      "text/plain;charset=UTF-8",
      "application/json ; charset=utf-8",
      "application/vnd.example+json",
    ]) {
      const response = await adminFetch("/api/v1/sources", {
        method: "POST",
        headers: { "Content-Type": contentType },
        body: JSON.stringify({ name: `labelled ${contentType}` }),
      });
      expect(response.status, contentType).toBe(201);
      expect(((await response.json()) as { source: { name: string } }).source.name).toBe(`labelled ${contentType}`);
    }
  });

  it("answers malformed JSON and a missing field with a 400 that says what to send", async () => {
    const malformed = await adminFetch("/api/v1/sources", { method: "POST", body: "{name:" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const empty = await adminFetch("/api/v1/sources", { method: "POST", body: "" });
    expect(empty.status).toBe(400);
    const refusal = (await empty.json()) as { success: boolean; field: string; error: string };
    expect(refusal).toMatchObject({ success: false, field: "name" });
    expect(refusal.error).toMatch(/^name: name is required/);
  });
});
