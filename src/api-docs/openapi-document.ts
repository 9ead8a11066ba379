import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../env";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

const DESCRIPTION = `Sluice's admin API (\`/api/v1\`, a bearer admin token) and Segment's Profile API
(\`/v1/spaces/…\`, HTTP Basic with the Profile API token as user name).

Errors of the admin API are \`{"success": false, "error", "field"?}\`: \`error\` says what was
wrong and what to send, \`field\` names the field. Bodies are JSON, whatever their Content-Type.

The Tracking API (\`/v1/track\`, \`/v1/batch\`, …) is Segment's, documented by Segment.`;

/** Tags in the order the reference shows them. */
const TAGS = [
  ["Sources", "Where events come from, each with its write key."],
  ["Schema", "What each source sends, and the events and traits it blocks."],
  ["Tracking plans", "Protocols: the events a source should send, validated as they arrive."],
  ["Protocols", "A source's tracking plan, schema settings and violations."],
  ["Transformations", "Renames of events, properties and traits, per source."],
  ["Destinations", "Where events go, with consent categories, delivery metrics and the event tester."],
  ["Filters", "Destination filters in FQL, and a preview of one on an event."],
  ["Dead letters", "What a destination refused or never took, kept to inspect and re-drive."],
  ["Replays", "Archived events sent again to destinations."],
  ["Archive", "Every accepted event, as NDJSON."],
  ["Pipeline", "Counts of the pipeline's stages."],
  ["Identity", "Identity Resolution rules and violations."],
  ["Profile API", "Segment's Profile API: traits, identifiers, events, metadata and links of a profile."],
] as const;

const built = new WeakMap<OpenAPIHono<HonoEnv>, Document>();

/**
 * The OpenAPI 3.1 document of every route `app` declared, built from their zod schemas once per
 * isolate; `origin` becomes its server, so the document's examples point at this host.
 */
export function describeApi(app: OpenAPIHono<HonoEnv>, origin: string): Document {
  let document = built.get(app);
  if (!document) {
    document = buildDocument(app);
    built.set(app, document);
  }
  return { ...document, servers: [{ url: origin, description: "This Sluice deployment" }] };
}

function buildDocument(app: OpenAPIHono<HonoEnv>): Document {
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The admin token (`wrangler secret put ADMIN_TOKEN`; `dev_admin_token` in local dev).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "profileToken", {
    type: "http",
    scheme: "basic",
    description: "HTTP Basic: the Profile API token (`wrangler secret put PROFILE_TOKEN`) as user name, empty password.",
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Sluice admin and Profile API", version: "1", description: DESCRIPTION },
    tags: TAGS.map(([name, description]) => ({ name, description })),
  });
}
