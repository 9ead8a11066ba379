import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { HonoEnv } from "../env";
import { credentialsMatch } from "../http/constant-time";
import { parseIdentifierKey } from "../identity/identifier";
import { identityShardName, indexKey, type Collection } from "../identity/index-shards";
import { isSegmentId } from "../identity/profile-id";
import type { RecordedEvent } from "../identity/profile-record";
import type { EventQuery, ProfileView } from "../identity/profile-view";
import { identityStore } from "../identity/durable-store";
import { decodeOffset, eventsPage, externalIdsPage, linksBody, metadataBody, traitsPage } from "./views";

/**
 * Segment's Profile API on this host (DESIGN.md): `GET /v1/spaces/:spaceId/collections/
 * {users|accounts}/profiles/<type>:<value>/{traits,external_ids,events,metadata,links}`, HTTP
 * Basic with the Profile API token as user name. Errors are `{"error":{"code","message"}}`.
 */
type ProfileContext = Context<HonoEnv>;

/** What the routes need of a ProfileObject. */
interface ProfileReader {
  view(): Promise<ProfileView>;
  readEvents(query: EventQuery): Promise<RecordedEvent[]>;
}

const MAX_FORWARDS = 20;

function fail(c: ProfileContext, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

class ParamError extends Error {}

function integerParam(c: ProfileContext, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ParamError(`The parameter \`${name}\` must be a whole number from ${min} to ${max}; got \`${raw}\`.`);
  }
  return Number(raw);
}

function listParam(c: ProfileContext, name: string): string[] | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  return raw.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

function offsetParam(c: ProfileContext): number {
  const next = c.req.query("next") ?? c.req.query("cursor");
  if (next === undefined || next === "") return 0;
  const offset = decodeOffset(next);
  if (offset === undefined) throw new ParamError("The parameter `next` is not a cursor this API returned; pass `cursor.next` from the previous page.");
  return offset;
}

function timeParam(c: ProfileContext, name: string): string | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new ParamError(`The parameter \`${name}\` must be an ISO-8601 time like 2026-01-31T00:00:00Z; got \`${raw}\`.`);
  return new Date(time).toISOString();
}

/** Finds the live profile for an identifier (or a segment_id), following merges. */
async function findProfile(c: ProfileContext, collection: Collection, identifier: string) {
  const env = c.env;
  let profileId: string | null;
  if (isSegmentId(identifier)) {
    profileId = identifier;
  } else {
    const parsed = parseIdentifierKey(identifier)!;
    const key = indexKey(collection, `${parsed.type}:${parsed.value}`);
    const shard = env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(identityShardName(env.SPACE_ID, collection, key)));
    profileId = (await shard.lookup([key]))[0] ?? null;
  }
  for (let hops = 0; profileId !== null && hops < MAX_FORWARDS; hops += 1) {
    const stub: ProfileReader = env.PROFILES.get(env.PROFILES.idFromName(profileId));
    const view = await stub.view();
    if (!view.exists || view.collection !== collection) return undefined;
    if (view.mergedInto === null) return { stub, view };
    // A merge cut short is finished here too, so the survivor shows everything it absorbs.
    if (view.mergePending) await identityStore(env).finishMerge(collection, view.id, view.mergedInto);
    profileId = view.mergedInto;
  }
  return undefined;
}

export const profileApi = new Hono<HonoEnv>()
  .use("/v1/spaces/*", async (c, next) => {
    c.header("Request-Id", crypto.randomUUID());
    const expected = c.env.PROFILE_TOKEN;
    if (!expected) {
      return fail(c, 401, "authentication_error", "The Profile API is disabled on this deployment: set the PROFILE_TOKEN secret (wrangler secret put PROFILE_TOKEN).");
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
  })
  .get("/v1/spaces/:spaceId/collections/:collection/profiles/:identifier/:resource", async (c) => {
    const { spaceId, collection, resource } = c.req.param();
    const identifier = c.req.param("identifier");
    if (collection !== "users" && collection !== "accounts") {
      return fail(c, 400, "validation_error", `The parameter \`collection\` must be \`users\` or \`accounts\`; got \`${collection}\`.`);
    }
    if (!["traits", "external_ids", "events", "metadata", "links"].includes(resource)) {
      return fail(c, 404, "not_found", `No Profile API resource \`${resource}\`: use traits, external_ids, events, metadata or links.`);
    }
    if (!isSegmentId(identifier) && !parseIdentifierKey(identifier)) {
      return fail(c, 400, "validation_error", `The profile identifier must be \`<type>:<value>\` (like \`user_id:u123\`), URL-encoded; got \`${identifier}\`.`);
    }
    if (spaceId !== c.env.SPACE_ID) return fail(c, 404, "not_found", `Space \`${spaceId}\` was not found.`);

    try {
      const found = await findProfile(c, collection, identifier);
      if (!found) return fail(c, 404, "not_found", "Profile was not found.");
      const { stub, view } = found;
      const url = `/v1/spaces/${spaceId}/collections/${collection}/profiles/${view.id}/${resource}`;
      switch (resource) {
        case "traits": {
          const traitClass = c.req.query("class");
          if (traitClass !== undefined && !["audience", "computed_trait", "trait", ""].includes(traitClass)) {
            throw new ParamError(`The parameter \`class\` must be \`audience\` or \`computed_trait\`; got \`${traitClass}\`.`);
          }
          const limit = integerParam(c, "limit", 10, 1, 200);
          const verbose = c.req.query("verbose") === "true";
          // Sluice computes no audiences or computed traits yet: those classes are empty.
          const state = traitClass === "audience" || traitClass === "computed_trait" ? {} : view.traits;
          return c.json(traitsPage(state, { include: listParam(c, "include"), verbose, limit, next: c.req.query("next") || undefined, url }));
        }
        case "external_ids": {
          const limit = integerParam(c, "limit", 10, 1, 100);
          return c.json(externalIdsPage(view.identifiers, collection, { include: listParam(c, "include"), limit, offset: offsetParam(c), url }));
        }
        case "events": {
          const limit = integerParam(c, "limit", 10, 1, 100);
          const sort = c.req.query("sort") ?? "desc";
          if (sort !== "asc" && sort !== "desc") throw new ParamError(`The parameter \`sort\` must be \`asc\` or \`desc\`; got \`${sort}\`.`);
          const offset = offsetParam(c);
          const rows = await stub.readEvents({
            start: timeParam(c, "start"),
            end: timeParam(c, "end"),
            sort,
            exclude: listParam(c, "exclude") ?? [],
            offset,
            limit,
          });
          const externalIds = view.identifiers.map((id) => ({ collection, type: id.type, id: id.value, encoding: "none" }));
          return c.json(eventsPage(rows, { collection, segmentId: view.id, externalIds }, { limit, offset, url }));
        }
        case "metadata":
          return c.json(metadataBody(view.metadata!, view.id));
        default:
          return c.json(linksBody(view.links));
      }
    } catch (error) {
      if (error instanceof ParamError) return fail(c, 400, "validation_error", error.message);
      throw error;
    }
  })
  // Anything else under /v1/spaces answers in the Profile API's error shape, not the app's.
  .get("/v1/spaces/*", (c) =>
    fail(c, 404, "not_found", "No Profile API route here: use /v1/spaces/<space>/collections/{users|accounts}/profiles/<type>:<value>/{traits,external_ids,events,metadata,links}."),
  );
