import { Hono } from "hono";
import { requireSignedIn, type SignedInEnv } from "../context";
import { overviewSection } from "./overview";
import { sourcesSection } from "./sources";

/**
 * The console's signed-in sections, each a small Hono app of its own (one file per section in
 * this folder), mounted under `/console`. Every route here needs a session, and every POST the
 * session's CSRF token (`requireSignedIn`).
 */
export const sections = new Hono<SignedInEnv>().use("*", requireSignedIn).route("/", overviewSection).route("/", sourcesSection);
