import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { html } from "hono/html";
import type { HonoEnv } from "../env";
import { describeApi } from "./openapi-document";
import { ApiReferencePage } from "./reference-page";
import { REFERENCE_CSS } from "./reference-styles";

const DOCUMENT_PATH = "/api/v1/openapi.json";
const STYLESHEET_PATH = "/api/v1/docs/reference.css";

/** The page loads only its own stylesheet: no script, no frame, nothing from another origin. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `GET /api/v1/openapi.json` and `GET /api/v1/docs`: the description of every route `app`
 * declares, and a reference page rendered from it. Both are public (they describe the API, they
 * hold no data), so they are mounted ahead of the admin token check.
 */
export function apiDescription(app: OpenAPIHono<HonoEnv>) {
  return new Hono<HonoEnv>()
    .get(DOCUMENT_PATH, (c) => c.json(describeApi(app, new URL(c.req.url).origin)))
    .get("/api/v1/docs", (c) => {
      c.header("Content-Security-Policy", CSP);
      c.header("X-Content-Type-Options", "nosniff");
      c.header("Referrer-Policy", "no-referrer");
      // A plain object literal: the page reads the document as JSON, whatever its typed shape.
      const document: Record<string, unknown> = { ...describeApi(app, new URL(c.req.url).origin) };
      // Standards mode: the page is HTML5, not a quirks-mode document.
      return c.html(html`<!DOCTYPE html>${(<ApiReferencePage document={document} stylesheet={STYLESHEET_PATH} documentUrl={DOCUMENT_PATH} />)}`);
    })
    .get(STYLESHEET_PATH, (c) => {
      c.header("Cache-Control", "public, max-age=3600");
      return c.body(REFERENCE_CSS, 200, { "Content-Type": "text/css; charset=utf-8" });
    });
}
