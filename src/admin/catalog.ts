import { createRoute, z } from "@hono/zod-openapi";
import { ACTIONS_SLUGS, actionsSlugOf, actionsTypeName, catalogEntry } from "../destinations/actions/catalog";
import { ApiError } from "../http/api-error";
import { ADMIN_ERRORS, ADMIN_SECURITY, NOT_FOUND, adminRouter, json } from "../http/openapi";

const Field = z.record(z.string(), z.unknown()).openapi({ description: "A field: label, description, type, required, multiple, choices, default, format…" });
const CatalogDestination = z
  .object({
    slug: z.string(),
    type: z.string().openapi({ description: "What `POST /api/v1/destinations` takes as `type`: `actions:<slug>`." }),
    name: z.string(),
    description: z.string(),
    authentication: z.string().nullable().openapi({ description: "basic, custom, oauth2 or oauth-managed; OAuth ones take `settings.oauth`." }),
    settings: z.record(z.string(), Field),
    actions: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        description: z.string(),
        defaultSubscription: z.string().nullable(),
        batching: z.boolean(),
        fields: z.record(z.string(), Field),
      }),
    ),
    presets: z.array(
      z.object({
        name: z.string(),
        partnerAction: z.string(),
        type: z.enum(["automatic", "specificEvent"]),
        subscribe: z.string().nullable(),
        mapping: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi("CatalogDestination");

const route = { tags: ["Catalog"], security: ADMIN_SECURITY };

/** `/api/v1/catalog/destinations`: Segment's Actions destinations this Worker runs. */
export const catalogApi = adminRouter()
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/destinations",
      summary: "Every destination Sluice can run",
      description: "Segment's open-source Actions destinations bundled into this Worker, with their settings fields, actions and mapping presets.",
      responses: { 200: json(z.object({ destinations: z.array(CatalogDestination) }), "The catalog, by name."), ...ADMIN_ERRORS },
    }),
    (c) => c.json({ destinations: ACTIONS_SLUGS.map(catalogEntry).sort((a, b) => a.name.localeCompare(b.name)) }, 200),
  )
  .openapi(
    createRoute({
      ...route,
      method: "get",
      path: "/destinations/{slug}",
      summary: "One destination of the catalog",
      request: { params: z.object({ slug: z.string().openapi({ param: { name: "slug", in: "path" }, example: "amplitude" }) }) },
      responses: { 200: json(z.object({ destination: CatalogDestination }), "Its settings, actions and presets."), ...ADMIN_ERRORS, ...NOT_FOUND },
    }),
    (c) => {
      const slug = actionsSlugOf(actionsTypeName(c.req.valid("param").slug));
      if (slug === null) throw new ApiError(404, `No destination ${c.req.valid("param").slug} in the catalog.`);
      return c.json({ destination: catalogEntry(slug) }, 200);
    },
  );
