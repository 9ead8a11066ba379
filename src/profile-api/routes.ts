import { OpenAPIHono, type Hook, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { HonoEnv } from "../env";
import { credentialsMatch } from "../http/constant-time";
import { findProfile } from "./find-profile";
import { consentRoute, eventsRoute, externalIdsRoute, linksRoute, metadataRoute, params, traitsRoute } from "./route-definitions";
import { consentBody, decodeOffset, eventsPage, externalIdsPage, linksBody, metadataBody, traitsPage } from "./views";

/**
 * Segment's Profile API on this host (DESIGN.md): `GET /v1/spaces/:spaceId/collections/
 * {users|accounts}/profiles/<type>:<value>/{traits,external_ids,events,metadata,links}`, HTTP
 * Basic with the Profile API token as user name. Errors are `{"error":{"code","message"}}`.
 * `…/consent` is Sluice's own: Segment documents no Profile API resource for consent.
 */
type ProfileContext = Context<HonoEnv>;

type ErrorCode = "authentication_error" | "not_found" | "validation_error";

function fail<S extends ContentfulStatusCode>(c: ProfileContext, status: S, code: ErrorCode, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** Parameters are checked by zod; a problem answers Segment's `validation_error`, naming it. */
const rejectInvalid: Hook<unknown, HonoEnv, string, Response | undefined> = (result, c) => {
  if (result.success) return;
  const issue = result.error.issues[0];
  const name = issue?.path.map(String).join(".") || result.target;
  return fail(c as ProfileContext, 400, "validation_error", `The parameter \`${name}\` ${issue?.message ?? "is invalid"}.`);
};

type ProfileParams = z.output<typeof params>;
type Found = NonNullable<Awaited<ReturnType<typeof findProfile>>> & { url: string };

/** The profile the path names, or the Profile API's 404 answer. */
async function lookUp(c: ProfileContext, { spaceId, collection, identifier }: ProfileParams, resource: string) {
  if (spaceId !== c.env.SPACE_ID) return fail(c, 404, "not_found", `Space \`${spaceId}\` was not found.`);
  const found = await findProfile(c.env, collection, identifier);
  if (!found) return fail(c, 404, "not_found", "Profile was not found.");
  return { ...found, url: `/v1/spaces/${spaceId}/collections/${collection}/profiles/${found.view.id}/${resource}` } satisfies Found;
}

/** The profile and the offset a listing's cursor names, or the Profile API's error answer. */
async function lookUpPage(c: ProfileContext, params: ProfileParams, resource: string, cursor: string | undefined) {
  const found = await lookUp(c, params, resource);
  if (found instanceof Response) return found;
  if (cursor === undefined || cursor === "") return { ...found, offset: 0 };
  const offset = decodeOffset(cursor);
  if (offset === undefined)
    return fail(c, 400, "validation_error", "The parameter `next` is not a cursor this API returned; pass `cursor.next` from the previous page.");
  return { ...found, offset };
}

export const profileApi = new OpenAPIHono<HonoEnv>({ defaultHook: rejectInvalid });

/**
 * Stamps a Request-Id and requires the Profile API token as the HTTP Basic user name.
 * createMiddleware types its context (a handler given to `use` gets an input of any).
 */
const requireProfileToken = createMiddleware<HonoEnv>(async (c, next) => {
  c.header("Request-Id", crypto.randomUUID());
  const expected = c.env.PROFILE_TOKEN;
  if (!expected) {
    return fail(
      c,
      401,
      "authentication_error",
      "The Profile API is disabled on this deployment: set the PROFILE_TOKEN secret (wrangler secret put PROFILE_TOKEN).",
    );
  }
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(c.req.header("authorization") ?? "");
  let user = "";
  try {
    user = match ? atob(match[1]!).split(":")[0]! : "";
  } catch {
    user = "";
  }
  if (!(await credentialsMatch(user, expected))) {
    c.header("WWW-Authenticate", 'Basic realm="sluice-profiles"');
    return fail(c, 401, "authentication_error", "Missing or wrong Profile API token: send HTTP Basic auth with the token as user name and an empty password.");
  }
  await next();
});

profileApi.use("/v1/spaces/*", requireProfileToken);

profileApi
  .openapi(traitsRoute, async (c) => {
    const found = await lookUp(c, c.req.valid("param"), "traits");
    if (found instanceof Response) return found;
    const query = c.req.valid("query");
    // Sluice computes no audiences or computed traits yet: those classes are empty.
    const state = query.class === "audience" || query.class === "computed_trait" ? {} : found.view.traits;
    const page = traitsPage(state, {
      include: query.include,
      verbose: query.verbose,
      limit: query.limit,
      next: query.next || undefined,
      url: found.url,
    });
    return c.json(page, 200);
  })
  .openapi(externalIdsRoute, async (c) => {
    const params = c.req.valid("param");
    const query = c.req.valid("query");
    const page = await lookUpPage(c, params, "external_ids", query.next ?? query.cursor);
    if (page instanceof Response) return page;
    const { view, offset, url } = page;
    return c.json(externalIdsPage(view.identifiers, params.collection, { include: query.include, limit: query.limit, offset, url }), 200);
  })
  .openapi(eventsRoute, async (c) => {
    const params = c.req.valid("param");
    const query = c.req.valid("query");
    const page = await lookUpPage(c, params, "events", query.next ?? query.cursor);
    if (page instanceof Response) return page;
    const { stub, view, offset, url } = page;
    const rows = await stub.readEvents({
      start: query.start?.toISOString(),
      end: query.end?.toISOString(),
      sort: query.sort ?? "desc",
      exclude: query.exclude ?? [],
      offset,
      limit: query.limit,
    });
    const externalIds = view.identifiers.map((id) => ({ collection: params.collection, type: id.type, id: id.value, encoding: "none" }));
    return c.json(eventsPage(rows, { collection: params.collection, segmentId: view.id, externalIds }, { limit: query.limit, offset, url }), 200);
  })
  .openapi(metadataRoute, async (c) => {
    const found = await lookUp(c, c.req.valid("param"), "metadata");
    if (found instanceof Response) return found;
    return c.json(metadataBody(found.view.metadata!, found.view.id), 200);
  })
  .openapi(linksRoute, async (c) => {
    const found = await lookUp(c, c.req.valid("param"), "links");
    if (found instanceof Response) return found;
    return c.json(linksBody(found.view.links), 200);
  })
  .openapi(consentRoute, async (c) => {
    const found = await lookUp(c, c.req.valid("param"), "consent");
    if (found instanceof Response) return found;
    return c.json(consentBody(found.view.consent), 200);
  })
  // Anything else under /v1/spaces answers in the Profile API's error shape, not the app's.
  .get("/v1/spaces/*", (c) =>
    fail(
      c,
      404,
      "not_found",
      "No Profile API route here: use /v1/spaces/<space>/collections/{users|accounts}/profiles/<type>:<value>/{traits,external_ids,events,metadata,links,consent}.",
    ),
  );
