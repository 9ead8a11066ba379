import { Hono } from "hono";
import { CONSOLE_SCRIPTS } from "../client/scripts.generated";
import { requireSignedIn, type SignedInEnv } from "../context";
import { catalogSection } from "./catalog";
import { debuggerSection } from "./debugger";
import { destinationActionsSection } from "./destination-actions";
import { destinationsSection } from "./destinations";
import { overviewSection } from "./overview";
import { privacySection } from "./privacy";
import { profilesSection } from "./profiles";
import { replaysSection } from "./replays";
import { schemaSection } from "./schema";
import { sourcesSection } from "./sources";
import { trackingPlansSection } from "./tracking-plans";
import { warehouseSection } from "./warehouse";

/**
 * The console's signed-in sections, each a small Hono app of its own (one file per section in
 * this folder), mounted under `/console`. Every route here needs a session, and every POST the
 * session's CSRF token (`requireSignedIn`).
 */
export const sections = new Hono<SignedInEnv>()
  .use("*", requireSignedIn)
  // The page scripts (src/console/client/<name>.ts, built by scripts/build-console.mjs).
  .get("/assets/:name{[a-z-]+\\.js}", (c) => {
    const script = CONSOLE_SCRIPTS[c.req.param("name")];
    return script === undefined ? c.notFound() : c.body(script, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  })
  .route("/", overviewSection)
  .route("/", sourcesSection)
  .route("/", debuggerSection)
  .route("/", schemaSection)
  .route("/", trackingPlansSection)
  .route("/", profilesSection)
  .route("/", destinationsSection)
  .route("/", destinationActionsSection)
  .route("/", catalogSection)
  .route("/", replaysSection)
  .route("/", privacySection)
  .route("/", warehouseSection);
