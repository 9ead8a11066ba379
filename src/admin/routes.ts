import { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../env";
import { readBodiesAsJson } from "../http/json-body";
import { requireAdminToken } from "../http/require-token";
import { archiveApi } from "./archive";
import { catalogApi } from "./catalog";
import { deadLettersApi } from "./dead-letters";
import { debuggerApi } from "./debugger";
import { destinationFiltersApi } from "./destination-filters";
import { destinationsApi } from "./destinations";
import { filtersApi } from "./filters";
import { identityApi } from "./identity";
import { pipelineStatsApi } from "./pipeline-stats";
import { regulationsApi } from "./regulations";
import { subjectExportsApi } from "./subject-exports";
import { replaysApi } from "./replays";
import { schemaApi } from "./schema";
import { sourceProtocolsApi } from "./source-protocols";
import { trackingPlansApi } from "./tracking-plans";
import { transformationsApi } from "./transformations";
import { sourcesApi } from "./sources";
import { warehouseApi } from "./warehouse";

/**
 * The admin API under `/api/v1`, every route behind the admin bearer token. Each sub-app declares
 * its routes with @hono/zod-openapi, so mounting one here also adds it to the OpenAPI document.
 */
export const adminApi = new OpenAPIHono<HonoEnv>();
adminApi.use("*", requireAdminToken);
adminApi.use("*", readBodiesAsJson);
adminApi
  .route("/sources", sourcesApi)
  .route("/sources", schemaApi)
  .route("/sources", sourceProtocolsApi)
  .route("/sources", transformationsApi)
  .route("/sources", debuggerApi)
  .route("/tracking-plans", trackingPlansApi)
  .route("/catalog", catalogApi)
  .route("/destinations", destinationsApi)
  .route("/destinations", destinationFiltersApi)
  .route("/destinations", deadLettersApi)
  .route("/filters", filtersApi)
  .route("/replays", replaysApi)
  .route("/archive", archiveApi)
  .route("/pipeline/stats", pipelineStatsApi)
  .route("/identity", identityApi)
  .route("/regulations", regulationsApi)
  .route("/subject-exports", subjectExportsApi)
  .route("/warehouse", warehouseApi);
