import { Hono } from "hono";
import { isValidIdentifierType } from "../../identity/identifier";
import { verboseTraits } from "../../identity/traits";
import { findProfile } from "../../profile-api/find-profile";
import { render, type SignedInEnv } from "../context";
import { EVENTS_PAGE_SIZE, ProfilesPage, type ProfileLookup, type ProfileQuery } from "./profile-page";

/**
 * `/console/profiles?collection=&type=&value=`: a GET form (a lookup changes nothing), answered
 * with the Profile API's own lookup (`findProfile`, following merges).
 */
export const profilesSection = new Hono<SignedInEnv>().get("/profiles", async (c) => {
  const { session, csrfToken } = c.get("signedIn");
  const query: ProfileQuery = {
    collection: c.req.query("collection") === "accounts" ? "accounts" : "users",
    type: (c.req.query("type") ?? "user_id").trim() || "user_id",
    value: c.req.query("value") ?? "",
  };
  const lookup = await lookUp(c.env, query, Number(c.req.query("events") ?? 0));
  return render(c, <ProfilesPage subject={session.sub} csrfToken={csrfToken} query={query} lookup={lookup} />, lookup.state === "invalid" ? 400 : 200);
});

async function lookUp(env: SignedInEnv["Bindings"], query: ProfileQuery, eventsOffset: number): Promise<ProfileLookup> {
  if (query.value === "") return { state: "form" };
  if (!isValidIdentifierType(query.type))
    return {
      state: "invalid",
      error: "An identifier type is lower-case letters, digits, _ . or - (user_id, anonymous_id, email, segment_id). Fix the type and look up again.",
    };
  const offset = Number.isInteger(eventsOffset) && eventsOffset >= 0 && eventsOffset <= 100_000 ? eventsOffset : 0;
  const found = await findProfile(env, query.collection, query.type === "segment_id" ? query.value : `${query.type}:${query.value}`);
  if (!found) return { state: "not-found" };
  const [rows, description] = await Promise.all([found.stub.readEvents({ sort: "desc", exclude: [], offset, limit: EVENTS_PAGE_SIZE }), found.stub.describe()]);
  const { view } = found;
  return {
    state: "found",
    profile: {
      segmentId: view.id,
      identifiers: view.identifiers,
      traits: verboseTraits(view.traits),
      links: view.links,
      metadata: view.metadata,
      mergeCount: description.mergeCount,
      events: rows.slice(0, EVENTS_PAGE_SIZE),
      eventsOffset: offset,
      moreEvents: rows.length > EVENTS_PAGE_SIZE,
    },
  };
}
