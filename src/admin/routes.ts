import { Hono } from "hono";
import type { HonoEnv } from "../env";
import { requireAdminToken } from "../http/require-token";
import { archiveApi } from "./archive";
import { deadLettersApi } from "./dead-letters";
import { destinationsApi } from "./destinations";
import { identityApi } from "./identity";
import { pipelineStatsApi } from "./pipeline-stats";
import { replaysApi } from "./replays";
import { schemaApi } from "./schema";
import { sourceProtocolsApi } from "./source-protocols";
import { trackingPlansApi } from "./tracking-plans";
import { transformationsApi } from "./transformations";
import { sourcesApi } from "./sources";

/** The admin API under `/api/v1`, every route behind the admin bearer token. */
export const adminApi = new Hono<HonoEnv>()
  .use("*", requireAdminToken)
  .route("/sources", sourcesApi)
  .route("/sources", schemaApi)
  .route("/sources", sourceProtocolsApi)
  .route("/sources", transformationsApi)
  .route("/tracking-plans", trackingPlansApi)
  .route("/destinations", destinationsApi)
  .route("/destinations", deadLettersApi)
  .route("/replays", replaysApi)
  .route("/archive", archiveApi)
  .route("/pipeline/stats", pipelineStatsApi)
  .route("/identity", identityApi);
