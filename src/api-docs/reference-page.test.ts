import { describe, expect, it } from "vitest";
import { ApiReferencePage, groupOperations } from "./reference-page";

const hostile = "<script>alert(1)</script>";
const document = {
  openapi: "3.1.0",
  info: { title: `Sluice ${hostile}`, description: `Uses \`${hostile}\` in code` },
  tags: [{ name: "Sources", description: "Where events come from." }],
  paths: {
    "/api/v1/sources": {
      get: {
        tags: ["Sources"],
        summary: hostile,
        responses: { 200: { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Source" } } } } },
      },
    },
  },
  components: { schemas: { Source: { type: "object", properties: { [hostile]: { type: "string", description: hostile } }, required: [hostile] } } },
};

async function render(): Promise<string> {
  return String(await ApiReferencePage({ document, stylesheet: "/s.css", documentUrl: "/d.json" }));
}

describe("the API reference page", () => {
  it("escapes every value from the document", async () => {
    const html = await render();
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows a named answer's fields in place, with a link to its schema", async () => {
    const html = await render();
    expect(html).toContain('href="#schema-Source"');
    expect(html).toContain('id="schema-Source"');
    expect(html).toContain("Uses <code>&lt;script&gt;");
  });

  it("opens with a skip link past the operations to the reference", async () => {
    const html = await render();
    expect(html).toMatch(/<body><a class="skip" href="#reference">Skip to the reference<\/a><nav aria-label="Operations">/);
    expect(html).toContain('<main id="reference" tabindex="-1">');
  });

  it("groups operations by their first tag, in the document's tag order", () => {
    expect(groupOperations(document)).toEqual([
      {
        tag: "Sources",
        description: "Where events come from.",
        operations: [expect.objectContaining({ method: "get", path: "/api/v1/sources", id: "get-api-v1-sources" })],
      },
    ]);
  });
});
